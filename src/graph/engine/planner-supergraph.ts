import { Kind, print, type ConstDirectiveNode, type DocumentNode, type FieldDefinitionNode, type TypeNode } from 'graphql';

/**
 * The supergraph as the query planner is given it. One rule of Federation 2 is enforced here
 * that the planner misses: a subgraph can only return the members of a union (or implementations
 * of an interface) that it defines. When a shareable field returns an abstract type whose members
 * differ between the subgraphs resolving it, the planner would pick any of them and silently drop
 * the members that subgraph lacks (`featured { ... on Movie }` from a subgraph without `Movie`).
 * Such a field is restricted to the subgraphs that know every member. The API schema is unchanged.
 */
export function plannableSupergraph(supergraph: DocumentNode): string {
  const members = abstractMembers(supergraph);
  let changed = false;
  const definitions = supergraph.definitions.map((definition) => {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.INTERFACE_TYPE_DEFINITION) return definition;
    const typeGraphs = graphsOf(definition.directives, 'join__type');
    const fields = definition.fields?.map((field) => {
      const restricted = restrictField(field, typeGraphs, members);
      if (restricted !== field) changed = true;
      return restricted;
    });
    return fields ? { ...definition, fields } : definition;
  });
  return print(changed ? { ...supergraph, definitions } : supergraph);
}

/** For each union and interface: which graph defines which members. */
type Members = Map<string, Map<string, Set<string>>>;

function abstractMembers(supergraph: DocumentNode): Members {
  const members: Members = new Map();
  const add = (abstract: string, graph: string, member: string) => {
    let byGraph = members.get(abstract);
    if (!byGraph) members.set(abstract, (byGraph = new Map()));
    let set = byGraph.get(graph);
    if (!set) byGraph.set(graph, (set = new Set()));
    set.add(member);
  };
  for (const definition of supergraph.definitions) {
    if (definition.kind === Kind.UNION_TYPE_DEFINITION) {
      for (const directive of directivesNamed(definition.directives, 'join__unionMember')) {
        const graph = enumArgument(directive, 'graph');
        const member = stringArgument(directive, 'member');
        if (graph && member) add(definition.name.value, graph, member);
      }
    } else if (definition.kind === Kind.OBJECT_TYPE_DEFINITION) {
      for (const directive of directivesNamed(definition.directives, 'join__implements')) {
        const graph = enumArgument(directive, 'graph');
        const implemented = stringArgument(directive, 'interface');
        if (graph && implemented) add(implemented, graph, definition.name.value);
      }
    }
  }
  return members;
}

function restrictField(field: FieldDefinitionNode, typeGraphs: readonly string[], members: Members): FieldDefinitionNode {
  const byGraph = members.get(namedType(field.type));
  if (!byGraph) return field;
  const joins = directivesNamed(field.directives, 'join__field');
  const resolving = joins.length
    ? joins.filter((directive) => !booleanArgument(directive, 'external')).map((directive) => enumArgument(directive, 'graph')).filter((graph): graph is string => graph !== undefined)
    : typeGraphs;
  if (resolving.length < 2) return field;
  const all = new Set(resolving.flatMap((graph) => [...(byGraph.get(graph) ?? [])]));
  const complete = resolving.filter((graph) => [...all].every((member) => byGraph.get(graph)?.has(member)));
  if (complete.length === 0 || complete.length === resolving.length) return field;
  const safe = new Set(complete);
  const directives = joins.length
    ? (field.directives ?? []).filter((directive) => directive.name.value !== 'join__field' || booleanArgument(directive, 'external') || safe.has(enumArgument(directive, 'graph') ?? ''))
    : [...(field.directives ?? []), ...complete.map(joinField)];
  return { ...field, directives };
}

function joinField(graph: string): ConstDirectiveNode {
  return {
    kind: Kind.DIRECTIVE,
    name: { kind: Kind.NAME, value: 'join__field' },
    arguments: [{ kind: Kind.ARGUMENT, name: { kind: Kind.NAME, value: 'graph' }, value: { kind: Kind.ENUM, value: graph } }],
  };
}

function graphsOf(directives: readonly ConstDirectiveNode[] | undefined, name: string): string[] {
  return directivesNamed(directives, name)
    .map((directive) => enumArgument(directive, 'graph'))
    .filter((graph): graph is string => graph !== undefined);
}

function directivesNamed(directives: readonly ConstDirectiveNode[] | undefined, name: string): ConstDirectiveNode[] {
  return (directives ?? []).filter((directive) => directive.name.value === name);
}

function enumArgument(directive: ConstDirectiveNode, name: string): string | undefined {
  const value = directive.arguments?.find((argument) => argument.name.value === name)?.value;
  return value?.kind === Kind.ENUM ? value.value : undefined;
}

function stringArgument(directive: ConstDirectiveNode, name: string): string | undefined {
  const value = directive.arguments?.find((argument) => argument.name.value === name)?.value;
  return value?.kind === Kind.STRING ? value.value : undefined;
}

function booleanArgument(directive: ConstDirectiveNode, name: string): boolean {
  const value = directive.arguments?.find((argument) => argument.name.value === name)?.value;
  return value?.kind === Kind.BOOLEAN && value.value;
}

function namedType(type: TypeNode): string {
  return type.kind === Kind.NAMED_TYPE ? type.name.value : namedType(type.type);
}
