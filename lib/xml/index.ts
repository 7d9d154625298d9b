export { parseXml, XmlError, MAX_XML_DEPTH } from './read';
export type { XmlErrorReason } from './read';
export { toXml, escapeText, singular } from './write';
export type { ToXmlOptions } from './write';
