/**
 * Response format: `.xml`/`.json` at the end of the path wins, then the Accept header as
 * ranked by @middy/http-content-negotiation, then JSON.
 */
import type middy from '@middy/core';
import httpContentNegotiation from '@middy/http-content-negotiation';
import { pathFormat, type EventFields, type ParsedEvent } from './event';

export type Format = 'json' | 'xml';

export const contentTypes: Record<Format, string> = {
  json: 'application/json; charset=utf-8',
  xml: 'application/xml; charset=utf-8',
};

interface NegotiatedContext {
  preferredMediaTypes?: string[];
}

const negotiation = httpContentNegotiation({
  parseCharsets: false,
  parseEncodings: false,
  parseLanguages: false,
  availableMediaTypes: ['application/json', 'application/xml', 'text/xml'],
  failOnMismatch: false,
}) as middy.MiddlewareObj<ParsedEvent>;

/** A `.xml`/`.json` path decides alone (the Accept header is then not parsed at all). */
export const negotiateFormat = (): middy.MiddlewareObj<ParsedEvent>[] => [
  {
    before: (request) => {
      const fromPath = pathFormat(request.event);
      if (!fromPath) return negotiation.before!(request);
      (request.context as NegotiatedContext).preferredMediaTypes = [`application/${fromPath}`];
    },
  },
];

/** The format chosen for this request (also usable when negotiation never ran). */
export function responseFormat(request: Pick<middy.Request<EventFields>, 'event' | 'context'>): Format {
  const preferred = (request.context as NegotiatedContext | undefined)?.preferredMediaTypes;
  const first = preferred ? preferred[0] : (pathFormat(request.event) ?? acceptFallback(request.event));
  return first && /xml/.test(first) ? 'xml' : 'json';
}

function acceptFallback(event: EventFields): string | undefined {
  const accept = event.headers?.accept ?? event.headers?.Accept;
  return accept && /^\s*(application|text)\/xml/i.test(accept) ? 'xml' : undefined;
}
