/**
 * The rows of the table. A row is a gateway set up one way (or, for the floor, no gateway at all);
 * each runs every query it can serve. Letters are the names issue 11 gives them, used in ratios.
 */
export const rowIds = [
  'gatehouse-bare',
  'gatehouse-keyed',
  'gatehouse-keyed-cached',
  'gatehouse-keyed-telemetry-off',
  'gatehouse-keyed-tracing',
  'hive',
  'hive-router-runtime',
  'floor',
  'hive-no-dedupe',
  'hive-router-runtime-no-dedupe',
  'floor-dedupe',
  'gatehouse-keyed-no-usage',
] as const;
export type RowId = (typeof rowIds)[number];
export type FloorRowId = Extract<RowId, `floor${string}`>;
export type GatewayRowId = Exclude<RowId, FloorRowId>;

export const isFloorRow = (row: RowId): row is FloorRowId => row === 'floor' || row === 'floor-dedupe';

/**
 * The rows without a gateway: the bench's floor process calls the subgraphs itself. `floor-dedupe`
 * shares identical in-flight subgraph requests, as Gatehouse and Hive Gateway do by default, so a
 * deduplicating gateway has a floor to compare with too.
 */
export const floorRows: Readonly<Record<FloorRowId, { label: string; dedupe: boolean }>> = {
  floor: { label: 'floor: subgraphs called directly', dedupe: false },
  'floor-dedupe': { label: 'floor, in-flight subgraph requests shared', dedupe: true },
};

/** What `npm run bench` runs when BENCH_ROWS is not set: (a) to (f). */
export const defaultRowIds: readonly RowId[] = [
  'gatehouse-bare',
  'gatehouse-keyed',
  'gatehouse-keyed-cached',
  'hive',
  'hive-router-runtime',
  'floor',
];

export const rowLetters: Readonly<Record<RowId, string>> = {
  'gatehouse-bare': 'a',
  'gatehouse-keyed': 'b',
  'gatehouse-keyed-cached': 'c',
  'gatehouse-keyed-telemetry-off': 'b0',
  'gatehouse-keyed-tracing': 'bt',
  hive: 'd',
  'hive-router-runtime': 'e',
  floor: 'f',
  'hive-no-dedupe': "d'",
  'hive-router-runtime-no-dedupe': "e'",
  'floor-dedupe': "f'",
  'gatehouse-keyed-no-usage': "b'",
};

/** Ratios printed under each query's table: numerator row ÷ denominator row, where both ran. */
export const ratioPairs: ReadonlyArray<readonly [RowId, RowId]> = [
  ['gatehouse-keyed', 'hive-router-runtime'],
  ['gatehouse-keyed', 'hive'],
  ['gatehouse-bare', 'gatehouse-keyed'],
  ['gatehouse-keyed', 'floor'],
  ['gatehouse-keyed', 'floor-dedupe'],
  // What metrics cost (b against b0) and what tracing adds on top (bt against b).
  ['gatehouse-keyed', 'gatehouse-keyed-telemetry-off'],
  ['gatehouse-keyed-tracing', 'gatehouse-keyed'],
  // What usage recording costs (b against b').
  ['gatehouse-keyed', 'gatehouse-keyed-no-usage'],
];
