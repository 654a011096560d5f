/**
 * A parser of the Prometheus text exposition format (version 0.0.4), strict enough to fail on
 * what Prometheus would refuse: every sample belongs to a family declared by `# TYPE` before it,
 * names and label names are well-formed, label values are quoted with the format's escapes, values
 * are floats (`+Inf`, `-Inf`, `NaN` included), a series appears once, and a histogram's buckets are
 * cumulative with `le="+Inf"` equal to its `_count`. prom-client writes this format but cannot
 * read it, so tests read what the server actually sent with this.
 */

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface MetricFamily {
  name: string;
  type: MetricType;
  help: string | undefined;
  samples: Sample[];
}

export class Exposition {
  constructor(readonly families: ReadonlyMap<string, MetricFamily>) {}

  family(name: string): MetricFamily {
    const family = this.families.get(name);
    if (!family) throw new Error(`no metric family ${name} in the exposition`);
    return family;
  }

  /** Samples named `name` (a family name, or `<histogram>_count`…) whose labels include `labels`. */
  samples(name: string, labels: Record<string, string> = {}): Sample[] {
    const familyName = this.#familyOf(name);
    const family = familyName === undefined ? undefined : this.families.get(familyName);
    return (family?.samples ?? []).filter((sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value));
  }

  /** The one sample with exactly these labels; undefined when there is none. */
  value(name: string, labels: Record<string, string> = {}): number | undefined {
    const matches = this.samples(name, labels).filter((sample) => Object.keys(sample.labels).length === Object.keys(labels).length);
    if (matches.length > 1) throw new Error(`${name}${JSON.stringify(labels)} matches ${matches.length} series`);
    return matches[0]?.value;
  }

  /** Sum over every series of `name` whose labels include `labels`. */
  sum(name: string, labels: Record<string, string> = {}): number {
    return this.samples(name, labels).reduce((total, sample) => total + sample.value, 0);
  }

  #familyOf(sampleName: string): string | undefined {
    if (this.families.has(sampleName)) return sampleName;
    for (const suffix of ['_bucket', '_sum', '_count']) {
      if (sampleName.endsWith(suffix) && this.families.has(sampleName.slice(0, -suffix.length))) return sampleName.slice(0, -suffix.length);
    }
    return undefined;
  }
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set<MetricType>(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

export function parsePrometheusText(text: string): Exposition {
  const families = new Map<string, MetricFamily>();
  const seenSeries = new Set<string>();
  const lines = text.split('\n');
  lines.forEach((raw, index) => {
    const where = `line ${index + 1}`;
    const line = raw.trimEnd();
    if (line.trim() === '') return;
    if (line.startsWith('#')) {
      const match = /^#\s+(HELP|TYPE)\s+(\S+)(?:\s+(.*))?$/.exec(line);
      if (!match) return; // a plain comment
      const [, keyword, name, rest = ''] = match;
      if (!METRIC_NAME.test(name!)) throw new Error(`${where}: bad metric name ${name}`);
      const family = families.get(name!) ?? { name: name!, type: 'untyped' as MetricType, help: undefined, samples: [] };
      if (keyword === 'TYPE') {
        if (!TYPES.has(rest as MetricType)) throw new Error(`${where}: unknown type ${rest}`);
        if (family.samples.length) throw new Error(`${where}: TYPE of ${name} after its samples`);
        if (families.has(name!) && family.type !== 'untyped') throw new Error(`${where}: second TYPE for ${name}`);
        family.type = rest as MetricType;
      } else {
        if (family.help !== undefined) throw new Error(`${where}: second HELP for ${name}`);
        family.help = unescapeHelp(rest);
      }
      families.set(name!, family);
      return;
    }
    const sample = parseSample(line, where);
    const family = familyOf(families, sample.name);
    if (!family) throw new Error(`${where}: sample ${sample.name} has no # TYPE before it`);
    const key = `${sample.name}${JSON.stringify(Object.entries(sample.labels).sort())}`;
    if (seenSeries.has(key)) throw new Error(`${where}: series ${key} appears twice`);
    seenSeries.add(key);
    family.samples.push(sample);
  });
  for (const family of families.values()) if (family.type === 'histogram') checkHistogram(family);
  return new Exposition(families);
}

function familyOf(families: Map<string, MetricFamily>, sampleName: string): MetricFamily | undefined {
  const exact = families.get(sampleName);
  if (exact && exact.type !== 'histogram' && exact.type !== 'summary') return exact;
  for (const suffix of ['_bucket', '_sum', '_count']) {
    if (!sampleName.endsWith(suffix)) continue;
    const family = families.get(sampleName.slice(0, -suffix.length));
    if (family && (family.type === 'histogram' || (family.type === 'summary' && suffix !== '_bucket'))) return family;
  }
  return exact?.type === 'summary' ? exact : undefined;
}

function parseSample(line: string, where: string): Sample {
  const nameMatch = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line);
  if (!nameMatch) throw new Error(`${where}: no metric name in ${JSON.stringify(line)}`);
  const name = nameMatch[0];
  let position = name.length;
  const labels: Record<string, string> = {};
  if (line[position] === '{') {
    position++;
    while (line[position] !== '}') {
      const labelMatch = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"/.exec(line.slice(position));
      if (!labelMatch) throw new Error(`${where}: bad label at column ${position + 1}`);
      const labelName = labelMatch[1]!;
      if (!LABEL_NAME.test(labelName)) throw new Error(`${where}: bad label name ${labelName}`);
      if (labelName in labels) throw new Error(`${where}: label ${labelName} twice`);
      position += labelMatch[0].length;
      let value = '';
      for (;;) {
        const char = line[position];
        if (char === undefined) throw new Error(`${where}: unterminated label value`);
        position++;
        if (char === '"') break;
        if (char === '\\') {
          const escaped = line[position++];
          if (escaped === 'n') value += '\n';
          else if (escaped === '\\' || escaped === '"') value += escaped;
          else throw new Error(`${where}: bad escape \\${escaped} in a label value`);
        } else {
          value += char;
        }
      }
      labels[labelName] = value;
      const separator = /^\s*,?\s*/.exec(line.slice(position))![0];
      position += separator.length;
    }
    position++;
  }
  const rest = line.slice(position);
  const valueMatch = /^\s+(\S+)(?:\s+(-?\d+))?\s*$/.exec(rest);
  if (!valueMatch) throw new Error(`${where}: no value in ${JSON.stringify(line)}`);
  return { name, labels, value: parseValue(valueMatch[1]!, `${where} (${name})`) };
}

/** A float as Prometheus reads it (Go's `strconv.ParseFloat`: `Inf`, `NaN` in any case, a sign before `Inf`). */
function parseValue(text: string, where: string): number {
  const word = text.toLowerCase();
  if (word === '+inf' || word === 'inf') return Infinity;
  if (word === '-inf') return -Infinity;
  if (word === 'nan') return NaN;
  if (!/^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/.test(text)) throw new Error(`${where}: ${text} is not a float`);
  return Number(text);
}

function unescapeHelp(text: string): string {
  return text.replace(/\\(\\|n)/g, (_, escaped: string) => (escaped === 'n' ? '\n' : '\\'));
}

/** Buckets per series are cumulative, end at `+Inf`, and `+Inf` equals `_count`. */
function checkHistogram(family: MetricFamily): void {
  const series = new Map<string, { buckets: Array<{ le: number; value: number }>; count?: number }>();
  const keyOf = (labels: Record<string, string>) => JSON.stringify(Object.entries(labels).filter(([key]) => key !== 'le').sort());
  for (const sample of family.samples) {
    const entry = series.get(keyOf(sample.labels)) ?? { buckets: [] };
    series.set(keyOf(sample.labels), entry);
    if (sample.name === `${family.name}_bucket`) {
      if (sample.labels.le === undefined) throw new Error(`${family.name}: a bucket without le`);
      entry.buckets.push({ le: parseValue(sample.labels.le, family.name), value: sample.value });
    } else if (sample.name === `${family.name}_count`) {
      entry.count = sample.value;
    }
  }
  for (const [key, { buckets, count }] of series) {
    const sorted = [...buckets].sort((a, b) => a.le - b.le);
    for (let i = 1; i < sorted.length; i++) {
      if (sorted[i]!.value < sorted[i - 1]!.value) throw new Error(`${family.name}${key}: buckets are not cumulative`);
    }
    const last = sorted.at(-1);
    if (!last || last.le !== Infinity) throw new Error(`${family.name}${key}: no le="+Inf" bucket`);
    if (count !== undefined && last.value !== count) throw new Error(`${family.name}${key}: +Inf bucket ${last.value} ≠ count ${count}`);
  }
}

/** GETs `url` and parses it, checking the content type Prometheus asks for. */
export async function scrape(url: string): Promise<Exposition> {
  const response = await fetch(url);
  if (response.status !== 200) throw new Error(`GET ${url}: HTTP ${response.status}`);
  const contentType = response.headers.get('content-type') ?? '';
  if (!/^text\/plain;\s*version=0\.0\.4/.test(contentType)) throw new Error(`GET ${url}: content-type ${contentType}`);
  return parsePrometheusText(await response.text());
}
