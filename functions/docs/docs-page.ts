import { docsAsset, docsPage } from '../../lib/docs/page';
import { publicHandler } from '../../lib/http/public';

export const handler = publicHandler((event) => {
  const file = event.pathParameters?.file;
  return file === undefined ? docsPage() : docsAsset(file);
});
