/**
 * How OpenAPI names become GraphQL names. The scheme, for a source with prefix `pricing`:
 *
 * - root fields: `<prefix>_<operationId>`, e.g. `pricing_getPrice` (operationId kept as written,
 *   invalid characters replaced);
 * - types: `<Prefix><Name>` in PascalCase, e.g. `PricingPriceEntry` for `#/components/schemas/PriceEntry`;
 *   inline schemas get names from where they sit (`PricingGetPriceResponse`, `PricingQuoteDiscount`);
 *   input types end in `Input` (`PricingQuoteRequestInput`); the free-form scalar is `<Prefix>JSON`;
 * - fields, arguments and enum values: the JSON name when it is a valid GraphQL name, otherwise
 *   invalid characters become `_` (`x-region` → `x_region`, `2xl` → `_2xl`); resolvers map back.
 */

/** A valid GraphQL name for `raw`: invalid characters become `_`, a leading digit gets a `_` before it. */
export function sanitizeName(raw: string): string {
  let name = raw.replace(/[^_0-9A-Za-z]/g, '_');
  if (name === '' || /^[0-9]/.test(name)) name = `_${name}`;
  // Names starting with `__` are reserved for introspection.
  if (name.startsWith('__')) name = name.replace(/^_+/, '_');
  return name;
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
    for (let n = 2; this.taken.has(name); n++) name = `${wanted}_${n}`;
    this.taken.add(name);
    return name;
  }
}
