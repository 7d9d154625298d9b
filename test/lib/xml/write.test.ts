import { describe, it, expect } from 'vitest';
import { toXml, parseXml, escapeText, singular } from '../../../lib/xml';

const DECL = '<?xml version="1.0" encoding="UTF-8"?>\n';

/** Stand-in for @aws-sdk/util-dynamodb NumberValue: a string `value` and its own toString. */
class NumberValueLike {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

describe('toXml', () => {
  it('reproduces the Aligni show response for unit 52 line by line', () => {
    const seed = `<inventory_unit>
  <id>52</id>
  <quantity>3600</quantity>
  <quantity_available>3600</quantity_available>
  <unit>each</unit>
  <cost_per_unit>0.009</cost_per_unit>
  <currency>USD</currency>
  <inventory_location>CDHQ - General Storage</inventory_location>
  <sublocation_bin/>
  <asset_id>A0000000</asset_id>
  <serial_number></serial_number>
  <lot_code>XKG982MAL</lot_code>
  <datecode>201019</datecode>
  <details/>
  <purchase_order_number/>
  <purchase_quantity/>
  <purchase_price/>
  <vendor/>
  <created_at>2013-11-14T10:34:00+00:00</created_at>
  <updated_at>2014-03-13T06:39:00+00:00</updated_at>
</inventory_unit>`;
    const unit = {
      id: 52,
      quantity: new NumberValueLike('3600'),
      quantity_available: 3600,
      unit: 'each',
      cost_per_unit: new NumberValueLike('0.009'),
      currency: 'USD',
      inventory_location: 'CDHQ - General Storage',
      sublocation_bin: null,
      asset_id: 'A0000000',
      serial_number: '',
      lot_code: 'XKG982MAL',
      datecode: '201019',
      details: null,
      purchase_order_number: undefined,
      purchase_quantity: null,
      purchase_price: null,
      vendor: null,
      created_at: '2013-11-14T10:34:00+00:00',
      updated_at: '2014-03-13T06:39:00+00:00',
    };
    expect(toXml('inventory_unit', unit)).toBe(`${DECL}${seed}\n`);
  });

  it('writes the LearningLogin responses with dashed names', () => {
    expect(toXml('content', { extra_payment: '1' }, { dasherize: true })).toBe(
      `${DECL}<content>\n  <extra-payment>1</extra-payment>\n</content>\n`,
    );
    expect(toXml('errors', ['No courses found for given codes'])).toBe(
      `${DECL}<errors>\n  <error>No courses found for given codes</error>\n</errors>\n`,
    );
  });

  it('writes an empty root object as a self-closing element', () => {
    expect(toXml('content', {})).toBe(`${DECL}<content/>\n`);
  });

  it('writes null, undefined, empty string and empty containers in their exact forms', () => {
    expect(toXml('a', { n: null, u: undefined, s: '', o: {}, l: [] })).toBe(
      `${DECL}<a>\n  <n/>\n  <u/>\n  <s></s>\n  <o/>\n  <l/>\n</a>\n`,
    );
    expect(toXml('a', null)).toBe(`${DECL}<a/>\n`);
  });

  it('writes numbers, bigints, booleans, dates and NumberValues as text', () => {
    const xml = toXml('a', {
      i: 42, f: 0.5, neg: -3, big: 12345678901234567890n, t: true, no: false,
      d: new Date('2014-03-13T06:39:00Z'), nv: new NumberValueLike('0.30'),
    });
    expect(xml).toBe(
      `${DECL}<a>\n  <i>42</i>\n  <f>0.5</f>\n  <neg>-3</neg>\n  <big>12345678901234567890</big>\n` +
      '  <t>true</t>\n  <no>false</no>\n  <d>2014-03-13T06:39:00.000Z</d>\n  <nv>0.30</nv>\n</a>\n',
    );
  });

  it('writes a plain record that has a `value` field as an element with children', () => {
    expect(toXml('a', { rec: { value: 'x', unit: 'kg' } })).toBe(
      `${DECL}<a>\n  <rec>\n    <value>x</value>\n    <unit>kg</unit>\n  </rec>\n</a>\n`,
    );
  });

  it('keeps key insertion order and nests with two-space indentation', () => {
    expect(toXml('a', { z: 1, b: { y: { x: 'deep' } }, a: 2 })).toBe(
      `${DECL}<a>\n  <z>1</z>\n  <b>\n    <y>\n      <x>deep</x>\n    </y>\n  </b>\n  <a>2</a>\n</a>\n`,
    );
  });

  describe('arrays', () => {
    it('name the items by the singular of the element name', () => {
      const xml = toXml('inventory_units', [{ id: 1 }, { id: 2 }]);
      expect(xml).toBe(
        `${DECL}<inventory_units>\n  <inventory_unit>\n    <id>1</id>\n  </inventory_unit>\n` +
        '  <inventory_unit>\n    <id>2</id>\n  </inventory_unit>\n</inventory_units>\n',
      );
      expect(toXml('a', { codes: ['X', 'Y'] })).toBe(
        `${DECL}<a>\n  <codes>\n    <code>X</code>\n    <code>Y</code>\n  </codes>\n</a>\n`,
      );
    });

    it('add type="array" only when asked, including empty arrays', () => {
      expect(toXml('content', { course_codes: ['JHSC'], none: [] }, { dasherize: true, railsTypes: true })).toBe(
        `${DECL}<content>\n  <course-codes type="array">\n    <course-code>JHSC</course-code>\n` +
        '  </course-codes>\n  <none type="array"/>\n</content>\n',
      );
      expect(toXml('errors', ['x'])).not.toContain('type=');
    });

    it('with railsTypes write an empty hash open and closed, as Rails does (Hash.from_xml reads nil from <content/>)', () => {
      expect(toXml('content', {}, { dasherize: true, railsTypes: true })).toBe(`${DECL}<content>\n</content>\n`);
      expect(toXml('content', { a: {} }, { railsTypes: true })).toBe(`${DECL}<content>\n  <a>\n  </a>\n</content>\n`);
    });

    it('write null items as empty elements', () => {
      expect(toXml('courses', ['a', null])).toBe(`${DECL}<courses>\n  <course>a</course>\n  <course/>\n</courses>\n`);
    });
  });

  it('singularises with the simple rules', () => {
    expect(singular('inventory_units')).toBe('inventory_unit');
    expect(singular('codes')).toBe('code');
    expect(singular('courses')).toBe('course');
    expect(singular('errors')).toBe('error');
    expect(singular('entries')).toBe('entry');
    expect(singular('class')).toBe('class');
    expect(singular('data')).toBe('data');
  });

  describe('escaping', () => {
    it('escapes & < > " \' in text so nothing becomes markup', () => {
      const hostile = `</a><b attr="x">&amp; 'q'<![CDATA[x]]><!-- c --><?pi?>`;
      const xml = toXml('a', { t: hostile });
      expect(xml).toBe(
        `${DECL}<a>\n  <t>&lt;/a&gt;&lt;b attr=&quot;x&quot;&gt;&amp;amp; &apos;q&apos;` +
        '&lt;![CDATA[x]]&gt;&lt;!-- c --&gt;&lt;?pi?&gt;</t>\n</a>\n',
      );
      expect(parseXml(xml)).toEqual({ a: { t: hostile } });
    });

    it('leaves safe text untouched, including non-ASCII and emoji', () => {
      expect(escapeText('Zürich 東京 \u{1F600}\ttab\nline')).toBe('Zürich 東京 \u{1F600}\ttab\nline');
    });

    it('replaces characters XML cannot carry with U+FFFD', () => {
      expect(escapeText('a\u0000b\u001Fc\uFFFEd\uD800e\uDC00f')).toBe('a\uFFFDb\uFFFDc\uFFFDd\uFFFDe\uFFFDf');
      expect(() => parseXml(toXml('a', '\u0000\u0008'))).not.toThrow();
    });

    it('guards element names from data', () => {
      expect(toXml('a', { 'x y<z>': 1, '1st': 2, '': 3, 'ok-name.v2': 4 })).toBe(
        `${DECL}<a>\n  <x_y_z_>1</x_y_z_>\n  <_1st>2</_1st>\n  <_>3</_>\n  <ok-name.v2>4</ok-name.v2>\n</a>\n`,
      );
      expect(toXml('a', { 'evil"/><x': 1 }, { dasherize: true })).toBe(`${DECL}<a>\n  <evil----x>1</evil----x>\n</a>\n`);
    });
  });

  it('dasherizes the root and nested names but never text', () => {
    expect(toXml('course_unit', { extra_payment: 'a_b' }, { dasherize: true })).toBe(
      `${DECL}<course-unit>\n  <extra-payment>a_b</extra-payment>\n</course-unit>\n`,
    );
  });

  it('round-trips through parseXml', () => {
    const value = {
      course_codes: ['JHSC', 'A&B'],
      login_ids: [1, 2],
      nested: { note: '  spaced  ', empty: null, enabled: true },
    };
    const xml = toXml('content', value, { dasherize: true, railsTypes: true });
    expect(xml).toContain('<login-id type="integer">1</login-id>');
    expect(xml).toContain('<enabled type="boolean">true</enabled>');
    expect(parseXml(xml)).toEqual({ content: value });
  });

  it('types numbers as Rails does, exact decimals included', () => {
    const xml = toXml('content', { units: 10, cost: new NumberValueLike('0.3'), count: new NumberValueLike('7'), code: '12' }, { railsTypes: true });
    expect(xml).toContain('<units type="integer">10</units>');
    expect(xml).toContain('<cost type="decimal">0.3</cost>');
    expect(xml).toContain('<count type="integer">7</count>');
    expect(xml).toContain('<code>12</code>');
  });

  it('writes large responses whole', () => {
    const units = Array.from({ length: 5000 }, (_, i) => ({
      id: i, quantity: new NumberValueLike('3600.5'), unit: 'each', lot_code: `L<${i}>`, vendor: null,
    }));
    const xml = toXml('inventory_units', units);
    expect(xml.split('<inventory_unit>').length - 1).toBe(5000);
  });
});
