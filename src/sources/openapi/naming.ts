/**
 * How OpenAPI names become GraphQL names. The scheme, for a source with prefix `pricing`:
 *
 * - root fields: `<prefix>_<operationId>`, e.g. `pricing_getPrice` (operationId kept as written,
 *   invalid characters replaced);
 * - types: `<Prefix><Name>` in PascalCase, e.g. `PricingPriceEntry` for `#/components/schemas/PriceEntry`;
 *   inline schemas get names from where they sit (`PricingGetPriceResponse`, `PricingQuoteDiscount`);
 *   input types end in `Input` (`PricingQuoteRequestInput`); the free-form scalar is `<Prefix>JSON`;
 * - fields, arguments and enum values: the JSON name when it is a valid GraphQL name, otherwise
 *   invalid characters become `_` (`x-region` → `x_region`, `2xl` → `_2xl`); resolvers map back;
 * - enum values with no letter or digit at all (`<`, `==`, `🎲`) are spelled out one character at a
 *   time (`enumValueName`): `LT`, `EQ_EQ`, `NOT_EQ`, `U1F3B2`; the GraphQL value still serialises
 *   to the exact JSON string;
 * - clashes get `_2`, `_3`… (`NameScope`); no generated name starts with `__`, which GraphQL reserves.
 */

/** A valid GraphQL name for `raw`: invalid characters become `_`, a leading digit gets a `_` before it. */
export function sanitizeName(raw: string): string {
  let name = raw.replace(/[^_0-9A-Za-z]/g, '_');
  if (name === '' || /^[0-9]/.test(name)) name = `_${name}`;
  // Names starting with `__` are reserved for introspection.
  if (name.startsWith('__')) name = name.replace(/^_+/, '_');
  return name;
}

// Words for the symbols enum values are made of in real documents (comparison and sort operators,
// units, currency signs). Anything else is named by its code point.
const symbolWords: Readonly<Record<string, string>> = {
  '<': 'LT', '>': 'GT', '=': 'EQ', '!': 'NOT', '~': 'TILDE', '+': 'PLUS', '-': 'MINUS', '*': 'STAR',
  '/': 'SLASH', '\\': 'BACKSLASH', '%': 'PERCENT', '&': 'AMP', '|': 'PIPE', '^': 'CARET', '@': 'AT',
  '#': 'HASH', $: 'DOLLAR', '.': 'DOT', ',': 'COMMA', ':': 'COLON', ';': 'SEMICOLON', '?': 'QUESTION',
  '(': 'LPAREN', ')': 'RPAREN', '[': 'LBRACKET', ']': 'RBRACKET', '{': 'LBRACE', '}': 'RBRACE',
  '"': 'QUOTE', "'": 'APOSTROPHE', '`': 'BACKTICK', _: 'UNDERSCORE', ' ': 'SPACE',
  '≤': 'LE', '≥': 'GE', '≠': 'NE', '€': 'EURO', '£': 'POUND', '¥': 'YEN', '°': 'DEGREE',
};
const reservedEnumNames = new Set(['true', 'false', 'null']);

/**
 * The GraphQL name of an enum value. A value with a letter or digit keeps `sanitizeName`'s
 * spelling (`x-small` → `x_small`; `true`, `false` and `null`, which GraphQL forbids as enum values,
 * get a `_` before them). One made only of symbols names each character: a word for common ones
 * (`<=` → `LT_EQ`, `==` → `EQ_EQ`), `U` + hex code point for others (`🎲` → `U1F3B2`, `👍🏽` →
 * `U1F44D_U1F3FD`), `EMPTY` for `""`. Built from the value alone, so names do not move when values
 * are added, removed or reordered; the caller's `NameScope` settles the rare clash.
 */
export function enumValueName(value: string): string {
  if (/[0-9A-Za-z]/.test(value)) {
    const sanitized = sanitizeName(value);
    return reservedEnumNames.has(sanitized) ? `_${sanitized}` : sanitized;
  }
  if (value === '') return 'EMPTY';
  if (value === '_') return value;
  return [...value].map((char) => symbolWords[char] ?? `U${char.codePointAt(0)!.toString(16).toUpperCase()}`).join('_');
}

/** `price-entry`, `price_entry`, `priceEntry` → `PriceEntry`. */
export function pascalCase(raw: string): string {
  const words = raw.split(/[^0-9A-Za-z]+/).filter((word) => word !== '');
  const joined = words.map((word) => word[0]!.toUpperCase() + word.slice(1)).join('');
  return sanitizeName(joined === '' ? 'X' : joined);
}

/** An operationId for an operation without one: `get /prices/{sku}` → `getPricesBySku`. */
export function operationIdFor(method: string, path: string): string {
  const parts = path
    .split('/')
    .filter((segment) => segment !== '')
    .map((segment) => {
      const parameter = /^\{(.+)\}$/.exec(segment);
      return parameter ? `By${pascalCase(parameter[1]!)}` : pascalCase(segment);
    });
  return `${method.toLowerCase()}${parts.join('') || 'Root'}`;
}

/** Hands out names unique within one scope (a type's fields, a schema's types), adding `_2`, `_3`… on clashes. */
export class NameScope {
  private readonly taken = new Set<string>();

  constructor(reserved: Iterable<string> = []) {
    for (const name of reserved) this.taken.add(name);
  }

  claim(wanted: string): string {
    let name = wanted;
    // `_` + `_2` would be `__2`, a name GraphQL reserves: after a trailing `_` the number follows directly.
    const separator = wanted.endsWith('_') ? '' : '_';
    for (let n = 2; this.taken.has(name); n++) name = `${wanted}${separator}${n}`;
    this.taken.add(name);
    return name;
  }
}

/**
 * Operation ids, unique in one document: an operation's own `operationId` when no earlier one has
 * it, else `<id>_2`, `<id>_3`… (as openapi-generator does); a generated one (`operationIdFor`) never
 * takes an id the document sets, since links name operations by those.
 */
export class OperationIds {
  private readonly scope: NameScope;
  private readonly used = new Set<string>();

  /** `documentIds`: every `operationId` the document sets, repeats included. */
  constructor(documentIds: Iterable<string>) {
    this.scope = new NameScope(documentIds);
  }

  claim(operationId: string | undefined, method: string, path: string): string {
    if (operationId === undefined) return this.scope.claim(operationIdFor(method, path));
    if (this.used.has(operationId)) return this.scope.claim(operationId);
    this.used.add(operationId);
    return operationId;
  }
}
