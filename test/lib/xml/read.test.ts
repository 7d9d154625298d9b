import { describe, it, expect } from 'vitest';
import { parseXml, XmlError, MAX_XML_DEPTH } from '../../../lib/xml';
import { assignUnitsXml, createInventoryUnitXml } from '../../helpers/seed-bodies';

/** The XmlError reason thrown by parsing `xml`, or 'none' / 'other'. */
function failure(xml: string): string {
  try {
    parseXml(xml);
  } catch (e) {
    return e instanceof XmlError ? e.reason : `other: ${String(e)}`;
  }
  return 'none';
}

function nested(levels: number): string {
  return '<a>'.repeat(levels) + 'x' + '</a>'.repeat(levels);
}

describe('parseXml: Rails Hash.from_xml rules', () => {
  it('wraps the value in the root name and turns dashes into underscores', () => {
    expect(parseXml('<inventory-unit><lot-code>LC</lot-code></inventory-unit>')).toEqual({
      inventory_unit: { lot_code: 'LC' },
    });
  });

  it('reads plain text elements as strings, keeping leaf text as sent', () => {
    expect(parseXml('<a><b>hello world</b><c>  padded  </c><d> </d></a>')).toEqual({
      a: { b: 'hello world', c: '  padded  ', d: ' ' },
    });
  });

  it('reads an empty untyped element as null in both forms', () => {
    expect(parseXml('<a><b/><c></c></a>')).toEqual({ a: { b: null, c: null } });
    expect(parseXml('<a/>')).toEqual({ a: null });
  });

  it('ignores white space between child elements', () => {
    expect(parseXml('<a>\n  <b>1</b>\n  <c>2</c>\n</a>\n')).toEqual({ a: { b: '1', c: '2' } });
  });

  describe('type="array"', () => {
    it('gives [] for no children, self-closing, or only white space or text', () => {
      expect(parseXml('<a><b type="array"></b></a>')).toEqual({ a: { b: [] } });
      expect(parseXml('<a><b type="array"/></a>')).toEqual({ a: { b: [] } });
      expect(parseXml('<a><b type="array">\n   \n</b></a>')).toEqual({ a: { b: [] } });
      expect(parseXml('<a><b type="array">text</b></a>')).toEqual({ a: { b: [] } });
    });

    it('gives a one-element array for one child', () => {
      expect(parseXml('<codes type="array"><code>X</code></codes>')).toEqual({ codes: ['X'] });
    });

    it('keeps the children in order and coerces each', () => {
      const xml = '<ids type="array"><id type="integer">3</id><id type="integer">1</id><id/></ids>';
      expect(parseXml(xml)).toEqual({ ids: [3, 1, null] });
    });

    it('allows hashes and arrays as items', () => {
      const xml = `<units type="array">
        <unit><id type="integer">1</id><tags type="array"><tag>a</tag></tags></unit>
        <unit><id type="integer">2</id><tags type="array"/></unit>
      </units>`;
      expect(parseXml(xml)).toEqual({
        units: [{ id: 1, tags: ['a'] }, { id: 2, tags: [] }],
      });
    });

    it('uses the first group of same-named children, as Rails does', () => {
      expect(parseXml('<a type="array"><b>1</b><c>2</c><b>3</b></a>')).toEqual({ a: ['1', '3'] });
    });
  });

  describe('typed values', () => {
    it('integer -> number', () => {
      const xml = '<a><b type="integer">42</b><c type="integer">-7</c><d type="integer"> 007 </d>' +
        '<e type="integer">+5</e><f type="integer">-0</f></a>';
      const out = parseXml(xml) as { a: Record<string, unknown> };
      expect(out).toEqual({ a: { b: 42, c: -7, d: 7, e: 5, f: 0 } });
      expect(Object.is(out.a.f, 0)).toBe(true);
    });

    it('integer that is not an exact integer stays a string for validation to reject', () => {
      const xml = '<a><b type="integer">abc</b><c type="integer">1.5</c>' +
        '<d type="integer">123456789012345678901</d></a>';
      expect(parseXml(xml)).toEqual({ a: { b: 'abc', c: '1.5', d: '123456789012345678901' } });
    });

    it('decimal -> the exact decimal string, never a float', () => {
      const xml = '<a><b type="decimal">0.1</b><c type="decimal">14.0</c><d type="decimal"> 0.30 </d>' +
        '<e type="decimal">12345678901234567890.123456789</e></a>';
      expect(parseXml(xml)).toEqual({
        a: { b: '0.1', c: '14.0', d: '0.30', e: '12345678901234567890.123456789' },
      });
    });

    it('float / double -> number', () => {
      const xml = '<a><b type="float">1.5</b><c type="double">-2e3</c><d type="float">.25</d>' +
        '<e type="float">nope</e><f type="float">0x10</f></a>';
      expect(parseXml(xml)).toEqual({ a: { b: 1.5, c: -2000, d: 0.25, e: 'nope', f: '0x10' } });
    });

    it('boolean -> true only for "true" or "1"', () => {
      const xml = '<a><b type="boolean">true</b><c type="boolean">1</c><d type="boolean"> true </d>' +
        '<e type="boolean">false</e><f type="boolean">0</f><g type="boolean">yes</g>' +
        '<h type="boolean">TRUE</h></a>';
      expect(parseXml(xml)).toEqual({
        a: { b: true, c: true, d: true, e: false, f: false, g: false, h: false },
      });
    });

    it('date / datetime -> the ISO string', () => {
      const xml = '<a><b type="date">2013-11-14</b><c type="datetime">2013-11-14T10:34:00+00:00</c>' +
        '<d type="dateTime">2014-03-13T06:39:00Z</d></a>';
      expect(parseXml(xml)).toEqual({
        a: { b: '2013-11-14', c: '2013-11-14T10:34:00+00:00', d: '2014-03-13T06:39:00Z' },
      });
    });

    it('nil="true" -> null', () => {
      const xml = '<a><b nil="true"/><c type="integer" nil="true"></c><d nil="true">x</d></a>';
      expect(parseXml(xml)).toEqual({ a: { b: null, c: null, d: null } });
    });

    it('an empty or blank typed element -> null, except type="string" -> ""', () => {
      const xml = '<a><b type="integer"/><c type="decimal"></c><d type="boolean">  </d>' +
        '<e type="date"/><f type="string"/><g type="string"> x </g></a>';
      expect(parseXml(xml)).toEqual({ a: { b: null, c: null, d: null, e: null, f: '', g: ' x ' } });
    });

    it('an unknown type leaves the text as sent', () => {
      expect(parseXml('<a type="yaml">--- x</a>')).toEqual({ a: '--- x' });
    });

    it('coerces a typed root', () => {
      expect(parseXml('<count type="integer">5</count>')).toEqual({ count: 5 });
    });
  });

  it('collects repeated siblings into an array, even when not adjacent', () => {
    expect(parseXml('<a><b>1</b><c>x</c><b>2</b><b>3</b></a>')).toEqual({
      a: { b: ['1', '2', '3'], c: 'x' },
    });
  });

  it('keeps repeated array-typed siblings as an array of arrays', () => {
    const xml = '<a><b type="array"><c>1</c></b><b type="array"><c>2</c></b></a>';
    expect(parseXml(xml)).toEqual({ a: { b: [['1'], ['2']] } });
  });

  it('ignores other attributes', () => {
    expect(parseXml('<a id="9" xmlns="urn:x"><b lang="en">t</b><c foo="bar"/></a>')).toEqual({
      a: { b: 't', c: null },
    });
  });

  it('ignores text mixed with child elements', () => {
    expect(parseXml('<a>before<b>1</b>after</a>')).toEqual({ a: { b: '1' } });
  });

  it('decodes the predefined entities and character references', () => {
    expect(parseXml('<a>A&amp;B &lt;i&gt; &quot;q&quot; &apos;s&apos; &#65;&#x42;&#x1F600;</a>')).toEqual({
      a: 'A&B <i> "q" \'s\' AB\u{1F600}',
    });
  });

  it('does not double-decode (&amp;lt; is the text &lt;)', () => {
    expect(parseXml('<a>&amp;lt;</a>')).toEqual({ a: '&lt;' });
  });

  it('takes CDATA text literally and joins it with surrounding text', () => {
    expect(parseXml('<a>x <![CDATA[<b>&amp;</b>]]> y</a>')).toEqual({ a: 'x <b>&amp;</b> y' });
    expect(parseXml('<a><![CDATA[]]></a>')).toEqual({ a: null });
  });

  it('ignores comments and processing instructions', () => {
    const xml = '<?xml version="1.0" encoding="UTF-8"?>\n<!-- hi --><?pi x?>' +
      '<a><!-- <b>no</b> --><c>1</c><?other?></a><!-- bye -->';
    expect(parseXml(xml)).toEqual({ a: { c: '1' } });
  });

  it('accepts a BOM, leading white space and CRLF line ends', () => {
    expect(parseXml('\uFEFF \r\n<?xml version="1.0"?>\r\n<a>\r\n<b>1</b>\r\n</a>\r\n')).toEqual({
      a: { b: '1' },
    });
  });

  it('accepts a quoted > inside an attribute value', () => {
    expect(parseXml('<a note="x > y"><b>1</b></a>')).toEqual({ a: { b: '1' } });
  });
});

describe('parseXml: seed bodies', () => {
  it('LearningLogin assign_units request', () => {
    expect(parseXml(assignUnitsXml)).toEqual({ content: { course_codes: ['JHSC'], login_ids: [1, 2] } });
  });

  it('Aligni create request (leading newline as curl -d sends it)', () => {
    expect(parseXml(createInventoryUnitXml)).toEqual({
      inventory_unit: {
        inventory_sublocation_id: '3',
        unit_id: '2',
        quantity: '10',
        cost_per_unit: '14',
        datecode: '022016',
        lot_code: 'AB-LOT-CODE',
        sublocation_bin: 'Bottom Shelf',
        generate_asset_id: 'true',
        inventory_record: { comment: 'December shipment' },
      },
    });
  });

  it('Aligni update and adjust_quantity requests', () => {
    expect(parseXml(`
<inventory_unit>
  <cost_per_unit>100</cost_per_unit>
  <serial_number>IU-42</serial_number>
  <lot_code>LC-223</lot_code>
  <datecode>DC-002</datecode>
</inventory_unit>`)).toEqual({
      inventory_unit: { cost_per_unit: '100', serial_number: 'IU-42', lot_code: 'LC-223', datecode: 'DC-002' },
    });
    expect(parseXml(`
<inventory_unit>
  <quantity>100</quantity>
  <inventory_record>
    <comment>Transfered from Albany.</comment>
  </inventory_record>
</inventory_unit>`)).toEqual({
      inventory_unit: { quantity: '100', inventory_record: { comment: 'Transfered from Albany.' } },
    });
  });
});

describe('parseXml: hostile input', () => {
  it('throws XmlError with a user-safe message', () => {
    let caught: unknown;
    try {
      parseXml('<a>');
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(XmlError);
    expect(caught).toBeInstanceOf(Error);
    expect((caught as XmlError).name).toBe('XmlError');
    expect((caught as XmlError).reason).toBe('malformed');
    expect((caught as XmlError).message).toBe('Malformed XML');
  });

  it('rejects any DOCTYPE', () => {
    expect(failure('<!DOCTYPE a><a>1</a>')).toBe('doctype');
    expect(failure('<?xml version="1.0"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0//EN" "x.dtd"><a/>'))
      .toBe('doctype');
    expect(failure('<!doctype a><a/>')).toBe('doctype');
    expect(() => parseXml('<!DOCTYPE a><a/>')).toThrow('XML with a DOCTYPE or entity declaration is not accepted');
  });

  it('rejects an internal entity declaration without expanding it', () => {
    const xml = '<!DOCTYPE a [<!ENTITY x "expanded">]><a>&x;</a>';
    expect(failure(xml)).toBe('doctype');
  });

  it('rejects a billion-laughs document without expanding it', () => {
    const lol = ['<!ENTITY lol "lol">'];
    for (let i = 1; i <= 9; i++) lol.push(`<!ENTITY lol${i} "${`&lol${i === 1 ? '' : i - 1};`.repeat(10)}">`);
    const xml = `<?xml version="1.0"?><!DOCTYPE lolz [${lol.join('')}]><lolz>&lol9;</lolz>`;
    expect(failure(xml)).toBe('doctype');
  });

  it('rejects an external entity and never reads the file', () => {
    const xml = '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><a>&xxe;</a>';
    let caught: unknown;
    try {
      parseXml(xml);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(XmlError);
    expect((caught as XmlError).reason).toBe('doctype');
    expect((caught as XmlError).message).not.toMatch(/root:|passwd/);
  });

  it('rejects a parameter entity and a stray declaration outside a DOCTYPE', () => {
    expect(failure('<!DOCTYPE a [<!ENTITY % p SYSTEM "http://example.com/x">%p;]><a/>')).toBe('doctype');
    expect(failure('<!ENTITY x "y"><a/>')).toBe('doctype');
    expect(failure('<a><!ENTITY x "y"></a>')).toBe('doctype');
  });

  it('does not resolve entity references that were never declared', () => {
    expect(failure('<a>&xxe;</a>')).toBe('malformed');
    expect(failure('<a>&nbsp;</a>')).toBe('malformed');
  });

  it(`accepts ${MAX_XML_DEPTH} levels of nesting and rejects more`, () => {
    expect(MAX_XML_DEPTH).toBe(32);
    const ok = parseXml(nested(32));
    let v: unknown = ok;
    for (let i = 0; i < 32; i++) v = (v as Record<string, unknown>).a;
    expect(v).toBe('x');
    expect(failure(nested(33))).toBe('depth');
    expect(failure(nested(40))).toBe('depth');
    expect(() => parseXml(nested(40))).toThrow('XML nesting deeper than 32 levels');
  });

  it('counts self-closing elements as not nesting', () => {
    expect(() => parseXml('<a>'.repeat(31) + '<b/>'.repeat(100) + '</a>'.repeat(31))).not.toThrow();
    expect(failure('<a>'.repeat(32) + '<b/>' + '</a>'.repeat(32))).toBe('none');
    expect(failure('<a>'.repeat(32) + '<b></b>' + '</a>'.repeat(32))).toBe('depth');
  });

  it('rejects a 1 MiB deeply nested document', () => {
    const levels = Math.floor((1024 * 1024) / 7);
    const xml = '<a>'.repeat(levels) + '</a>'.repeat(levels);
    expect(xml.length).toBeGreaterThan(1_000_000);
    expect(failure(xml)).toBe('depth');
  });

  it('rejects a 1 MiB unclosed tower', () => {
    const xml = '<a>'.repeat(350_000);
    expect(failure(xml)).toBe('depth');
  });

  it('parses a 1 MiB flat document', () => {
    const item = '<item type="integer">12345</item>\n';
    const count = Math.floor((1024 * 1024) / item.length);
    const xml = `<list type="array">\n${item.repeat(count)}</list>`;
    const out = parseXml(xml) as { list: number[] };
    expect(out.list).toHaveLength(count);
    expect(out.list[0]).toBe(12345);
  });

  it.each([
    ['empty body', ''],
    ['only white space', '  \n '],
    ['plain text', 'hello'],
    ['JSON', '{"a": 1}'],
    ['unclosed root', '<a>'],
    ['unclosed child', '<a><b></a>'],
    ['mismatched close', '<a></b>'],
    ['stray close', '<a></a></a>'],
    ['two roots', '<a/><b/>'],
    ['text after root', '<a/>tail'],
    ['text before root', 'head<a/>'],
    ['bare ampersand', '<a>A & B</a>'],
    ['bad character reference', '<a>&#0;</a>'],
    ['surrogate character reference', '<a>&#xD800;</a>'],
    ['unclosed comment', '<a><!-- x</a>'],
    ['unclosed CDATA', '<a><![CDATA[x</a>'],
    ['unclosed attribute quote', '<a b="x>1</a>'],
    ['invalid tag name', '<1a>x</1a>'],
    ['duplicate attribute', '<a x="1" x="2"/>'],
    ['XML declaration not first', '<a/><?xml version="1.0"?>'],
    ['bogus markup declaration', '<a><!foo></a>'],
  ])('rejects malformed XML: %s', (_label, xml) => {
    expect(failure(xml)).toBe('malformed');
  });

  it('rejects a value that is not a string', () => {
    expect(() => parseXml(undefined as unknown as string)).toThrow(XmlError);
    expect(() => parseXml(42 as unknown as string)).toThrow(XmlError);
  });

  it('never lets __proto__, constructor or prototype reach a prototype', () => {
    const before = Object.getOwnPropertyNames(Object.prototype).sort();
    const xml = `<a>
      <__proto__><polluted>yes</polluted><isAdmin>true</isAdmin></__proto__>
      <constructor><prototype><polluted>yes</polluted></prototype></constructor>
      <prototype>p</prototype>
      <toString>s</toString>
      <hasOwnProperty>h</hasOwnProperty>
      <_-proto-_>dashes</_-proto-_>
      <b>ok</b>
    </a>`;
    const out = parseXml(xml) as { a: Record<string, unknown> };
    expect(out).toEqual({ a: { b: 'ok' } });
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(out.a)).toBe(Object.prototype);
    expect(Object.keys(out.a)).toEqual(['b']);
    expect(String(out.a)).toBe('[object Object]');
    expect(Object.hasOwn(out.a, 'polluted')).toBe(false);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(before);
  });

  it('drops an unsafe root and unsafe array items', () => {
    expect(parseXml('<__proto__><polluted>yes</polluted></__proto__>')).toEqual({});
    expect(parseXml('<constructor>x</constructor>')).toEqual({});
    expect(parseXml('<a type="array"><__proto__>x</__proto__><b>1</b></a>')).toEqual({ a: ['1'] });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('ignores __proto__ and constructor attributes', () => {
    const out = parseXml('<a __proto__="x" constructor="y"><b>1</b></a>') as { a: object };
    expect(out).toEqual({ a: { b: '1' } });
    expect(Object.getPrototypeOf(out.a)).toBe(Object.prototype);
  });
});
