import {
  GraphQLBoolean,
  GraphQLEnumType,
  GraphQLFloat,
  GraphQLInputObjectType,
  GraphQLInt,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLScalarType,
  GraphQLString,
  isInputObjectType,
  isListType,
  isNonNullType,
  valueFromASTUntyped,
  type GraphQLEnumValueConfigMap,
  type GraphQLFieldConfigMap,
  type GraphQLInputFieldConfigMap,
  type GraphQLInputType,
  type GraphQLOutputType,
} from 'graphql';
import { dereference, isRecord, type OpenApiDocument, type SchemaObject } from './document.js';
import { createFilePartType } from './file-part.js';
import { enumValueName, NameScope, pascalCase, sanitizeName } from './naming.js';

/** A GraphQL type in its nullable form, and whether the JSON schema allows `null`. */
export interface MappedType<T> {
  type: T;
  nullable: boolean;
}

/** Where a schema sits, for naming the types it becomes (without the source prefix). */
interface NameHint {
  /** Set when the schema is `#/components/schemas/<component>`: the type takes that name. */
  component?: string;
  /** Name for an inline schema, built from where it sits, e.g. `PriceEntryDiscounts`. */
  base: string;
}

/** What one JSON schema maps to, with `allOf`/`oneOf` wrappers around a single schema unwrapped. */
type Shape =
  | { kind: 'scalar'; scalar: GraphQLScalarType | 'json'; nullable: boolean }
  | { kind: 'enum'; values: string[]; nullable: boolean }
  | { kind: 'object'; nullable: boolean }
  | { kind: 'list'; items: SchemaObject | undefined; nullable: boolean }
  /** Same type as `inner` (a lone `$ref`, or `allOf: [{ $ref }], nullable: true`). */
  | { kind: 'alias'; inner: SchemaObject; nullable: boolean };

const componentSchemaRef = /^#\/components\/schemas\/([^/]+)$/;

/**
 * Turns JSON schemas of one document into GraphQL types. Object and enum types are created once
 * per schema object (so `$ref`s share them and cycles end at a type already made), with fields
 * as thunks. Integers are `Int` except `format: int64`, which is `Float` (exact up to 2^53)
 * because GraphQL's `Int` is 32-bit.
 */
export class SchemaTypeMapper {
  readonly json: GraphQLScalarType;
  private readonly typeNames: NameScope;
  private readonly componentNames = new Map<string, { output: string; input: string }>();
  private readonly objects = new Map<SchemaObject, GraphQLObjectType>();
  private readonly inputs = new Map<SchemaObject, GraphQLInputObjectType>();
  private readonly enums = new Map<SchemaObject, GraphQLEnumType>();
  /** Schemas being mapped right now that are not objects: meeting one again is a cycle. */
  private readonly inProgress = new Set<SchemaObject>();
  private fileInputType: GraphQLInputObjectType | undefined;

  constructor(
    private readonly document: OpenApiDocument,
    private readonly typePrefix: string,
  ) {
    this.typeNames = new NameScope(['Query', 'Mutation', 'Subscription']);
    this.json = new GraphQLScalarType({
      name: this.typeNames.claim(`${typePrefix}JSON`),
      description: 'Any JSON value, passed through as the backend sent it.',
      serialize: (value) => value,
      parseValue: (value) => value,
      parseLiteral: (ast, variables) => valueFromASTUntyped(ast, variables),
    });
    // Component names are claimed first so an inline schema's generated name can never take one.
    const schemas = document.components?.schemas;
    for (const name of isRecord(schemas) ? Object.keys(schemas) : []) {
      const output = this.typeNames.claim(`${typePrefix}${pascalCase(name)}`);
      this.componentNames.set(name, { output, input: this.typeNames.claim(`${output}Input`) });
    }
  }

  /** `<Prefix>FilePartInput`, made the first time a multipart body has a file part (see `file-part.ts`). */
  get fileInput(): GraphQLInputObjectType {
    this.fileInputType ??= createFilePartType(this.typeNames.claim(`${this.typePrefix}FilePartInput`), this.typeNames.claim(`${this.typePrefix}Base64`));
    return this.fileInputType;
  }

  /** A prefixed type name for an inline schema, unique in the schema: `PostFilesBody` → `StripePostFilesBodyInput`. */
  inlineTypeName(base: string, direction: 'output' | 'input'): string {
    return this.typeName({ base }, direction);
  }

  output(schema: SchemaObject, hint: NameHint): MappedType<GraphQLOutputType> {
    return this.map(schema, hint, 'output') as MappedType<GraphQLOutputType>;
  }

  input(schema: SchemaObject, hint: NameHint): MappedType<GraphQLInputType> {
    return this.map(schema, hint, 'input') as MappedType<GraphQLInputType>;
  }

  private map(schema: SchemaObject, hint: NameHint, direction: 'output' | 'input'): MappedType<GraphQLOutputType | GraphQLInputType> {
    if (typeof schema.$ref === 'string') {
      const target = dereference(this.document, schema);
      const component = componentSchemaRef.exec(schema.$ref)?.[1];
      // No cycle guard here: a cycle through refs passes a list or wrapper, and those guard themselves.
      return this.map(target, component ? { component, base: component } : hint, direction);
    }
    const shape = this.shapeOf(schema);
    switch (shape.kind) {
      case 'alias': {
        const inner = this.guarded(schema, () => this.map(shape.inner, hint, direction));
        return { type: inner.type, nullable: inner.nullable || shape.nullable };
      }
      case 'scalar':
        return { type: shape.scalar === 'json' ? this.json : shape.scalar, nullable: shape.nullable };
      case 'enum':
        return { type: this.enumType(schema, shape.values, hint), nullable: shape.nullable };
      case 'list': {
        const items = shape.items
          ? this.guarded(schema, () => this.map(shape.items!, { base: `${hint.base}Item` }, direction))
          : { type: this.json, nullable: true };
        // One cast for both directions: the item type came from the same direction as the list.
        const list = new GraphQLList(items.nullable ? items.type : new GraphQLNonNull(items.type)) as GraphQLOutputType;
        return { type: list, nullable: shape.nullable };
      }
      case 'object':
        return {
          type: direction === 'output' ? this.objectType(schema, hint) : this.inputObjectType(schema, hint),
          nullable: shape.nullable,
        };
    }
  }

  /** Runs `build` unless `schema` is already being mapped (a cycle without an object in it): then JSON. */
  private guarded<T extends MappedType<unknown>>(schema: SchemaObject, build: () => T): T | MappedType<GraphQLScalarType> {
    if (this.inProgress.has(schema)) return { type: this.json, nullable: true };
    this.inProgress.add(schema);
    try {
      return build();
    } finally {
      this.inProgress.delete(schema);
    }
  }

  private shapeOf(schema: SchemaObject): Shape {
    const types = typeof schema.type === 'string' ? [schema.type] : Array.isArray(schema.type) ? schema.type : [];
    const enumValues = Array.isArray(schema.enum) ? schema.enum : undefined;
    const nullable = schema.nullable === true || types.includes('null') || (enumValues?.includes(null) ?? false);
    const own = types.filter((type) => type !== 'null');
    const json = { kind: 'scalar', scalar: 'json', nullable } as const;

    const allOf = Array.isArray(schema.allOf) ? schema.allOf : [];
    const hasOwnStructure = own.length > 0 || isRecord(schema.properties) || schema.items !== undefined;
    if (allOf.length === 1 && !hasOwnStructure) return { kind: 'alias', inner: allOf[0]!, nullable };
    if (allOf.length > 0) {
      return Object.keys(this.mergedProperties(schema).properties).length > 0 ? { kind: 'object', nullable } : json;
    }
    const variants = Array.isArray(schema.oneOf) ? schema.oneOf : Array.isArray(schema.anyOf) ? schema.anyOf : undefined;
    if (variants) {
      // `oneOf: [X, { type: 'null' }]` is 3.1's way of writing a nullable X.
      const nonNull = variants.filter((variant) => !(isRecord(variant) && variant.type === 'null'));
      const nullableVariant = nullable || nonNull.length < variants.length;
      return nonNull.length === 1 && !hasOwnStructure ? { kind: 'alias', inner: nonNull[0]!, nullable: nullableVariant } : { ...json, nullable: nullableVariant };
    }
    if (own.length > 1) return json;
    const type = own[0];
    const strings = enumValues?.filter((value): value is string => typeof value === 'string') ?? [];
    if (strings.length > 0 && (type === undefined || type === 'string')) return { kind: 'enum', values: strings, nullable };
    if (type === 'array' || (type === undefined && schema.items !== undefined)) {
      return { kind: 'list', items: isRecord(schema.items) ? schema.items : undefined, nullable };
    }
    if (type === 'object' || (type === undefined && schema.properties !== undefined)) {
      // Without properties an object is a map or free-form: only JSON can carry it.
      return isRecord(schema.properties) && Object.keys(schema.properties).length > 0 ? { kind: 'object', nullable } : json;
    }
    switch (type) {
      case 'integer':
        return { kind: 'scalar', scalar: schema.format === 'int64' ? GraphQLFloat : GraphQLInt, nullable };
      case 'number':
        return { kind: 'scalar', scalar: GraphQLFloat, nullable };
      case 'string':
        return { kind: 'scalar', scalar: GraphQLString, nullable };
      case 'boolean':
        return { kind: 'scalar', scalar: GraphQLBoolean, nullable };
      default:
        return json;
    }
  }

  /** Properties of an object schema with its `allOf` parts merged in (parts first, own properties last). */
  mergedProperties(schema: SchemaObject): { properties: Record<string, SchemaObject>; required: Set<string> } {
    const properties: Record<string, SchemaObject> = {};
    const required = new Set<string>();
    const seen = new Set<SchemaObject>();
    const collect = (part: SchemaObject): void => {
      if (!isRecord(part) || seen.has(part)) return;
      seen.add(part);
      if (typeof part.$ref === 'string') return collect(dereference(this.document, part));
      for (const inner of Array.isArray(part.allOf) ? part.allOf : []) collect(inner);
      if (isRecord(part.properties)) Object.assign(properties, part.properties);
      for (const name of Array.isArray(part.required) ? part.required : []) required.add(name);
    };
    collect(schema);
    return { properties, required };
  }

  private typeName(hint: NameHint, direction: 'output' | 'input'): string {
    const reserved = hint.component === undefined ? undefined : this.componentNames.get(hint.component);
    if (reserved) return reserved[direction];
    return this.typeNames.claim(`${this.typePrefix}${pascalCase(hint.base)}${direction === 'input' ? 'Input' : ''}`);
  }

  private enumType(schema: SchemaObject, values: string[], hint: NameHint): GraphQLEnumType {
    let type = this.enums.get(schema);
    if (!type) {
      const names = new NameScope();
      const config: GraphQLEnumValueConfigMap = {};
      for (const value of new Set(values)) {
        const name = names.claim(enumValueName(value));
        // The internal value is the JSON string, so arguments arrive and results leave as the backend
        // spells them; a renamed value says how.
        config[name] = { value, description: name === value ? undefined : `${JSON.stringify(value)} in the REST API.` };
      }
      type = new GraphQLEnumType({ name: this.typeName(hint, 'output'), description: schema.description, values: config });
      this.enums.set(schema, type);
    }
    return type;
  }

  private objectType(schema: SchemaObject, hint: NameHint): GraphQLObjectType {
    let type = this.objects.get(schema);
    if (!type) {
      const name = this.typeName(hint, 'output');
      type = new GraphQLObjectType({
        name,
        description: schema.description,
        fields: () => {
          const { properties, required } = this.mergedProperties(schema);
          const names = new NameScope();
          const fields: GraphQLFieldConfigMap<unknown, unknown> = {};
          for (const [jsonName, property] of Object.entries(properties)) {
            const fieldName = names.claim(sanitizeName(jsonName));
            const mapped = this.output(property, { base: `${hint.base}${pascalCase(jsonName)}` });
            fields[fieldName] = {
              type: required.has(jsonName) && !mapped.nullable ? new GraphQLNonNull(mapped.type) : mapped.type,
              description: isRecord(property) && typeof property.description === 'string' ? property.description : undefined,
              // Only renamed fields need a resolver: the default one reads `source[fieldName]`.
              resolve: fieldName === jsonName ? undefined : (source) => (source as Record<string, unknown>)[jsonName],
            };
          }
          return fields;
        },
      });
      this.objects.set(schema, type);
    }
    return type;
  }

  private inputObjectType(schema: SchemaObject, hint: NameHint): GraphQLInputObjectType {
    let type = this.inputs.get(schema);
    if (!type) {
      type = new GraphQLInputObjectType({
        name: this.typeName(hint, 'input'),
        description: schema.description,
        fields: () => {
          const { properties, required } = this.mergedProperties(schema);
          const names = new NameScope();
          const fields: GraphQLInputFieldConfigMap = {};
          for (const [jsonName, property] of Object.entries(properties)) {
            const mapped = this.input(property, { base: `${hint.base}${pascalCase(jsonName)}` });
            fields[names.claim(sanitizeName(jsonName))] = {
              type: required.has(jsonName) && !mapped.nullable ? new GraphQLNonNull(mapped.type) : mapped.type,
              description: isRecord(property) && typeof property.description === 'string' ? property.description : undefined,
              extensions: { jsonName },
            };
          }
          return fields;
        },
      });
      this.inputs.set(schema, type);
    }
    return type;
  }
}

/**
 * An argument value as the backend expects it: input object fields under their JSON names.
 * Enum values need nothing, their internal values are already the JSON strings.
 */
export function toJsonValue(value: unknown, type: GraphQLInputType): unknown {
  if (value === null || value === undefined) return value;
  if (isNonNullType(type)) return toJsonValue(value, type.ofType);
  if (isListType(type)) {
    const itemType = type.ofType as GraphQLInputType;
    return Array.isArray(value) ? value.map((item) => toJsonValue(item, itemType)) : toJsonValue(value, itemType);
  }
  if (isInputObjectType(type) && isRecord(value)) {
    const json: Record<string, unknown> = {};
    for (const field of Object.values(type.getFields())) {
      if (!(field.name in value)) continue;
      const jsonName = typeof field.extensions.jsonName === 'string' ? field.extensions.jsonName : field.name;
      json[jsonName] = toJsonValue(value[field.name], field.type);
    }
    return json;
  }
  return value;
}
