/** What every HTTP function answers (API Gateway's proxy result, the body already serialised). */
export interface HttpResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}
