import document from '../../docs/openapi.json';
import { publicHandler } from '../../lib/http/public';

// Written by `npm run openapi` from the handlers' own schemas; bundled into this function.
const body = JSON.stringify(document);

export const handler = publicHandler(() => ({
  statusCode: 200,
  headers: { 'Content-Type': 'application/json; charset=utf-8', 'Access-Control-Allow-Origin': '*' },
  body,
}));
