/**
 * PromQL built from typed pieces: selectors, range vectors, rate / increase, aggregations with
 * `by`, `histogram_quantile`, arithmetic and comparisons. Alerts, recording rules and dashboards
 * compose these; none of them writes query text by hand, so a label, metric or duration is checked
 * once, here, and every expression renders with the parentheses its precedence needs.
 *
 * Internal: the public API takes thresholds and options; the queries are ours.
 */
import { Duration } from 'cdk8s';

/** A Prometheus metric name. */
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
/** A Prometheus label name. */
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Label matcher operators. */
export type MatchOp = '=' | '!=' | '=~' | '!~';

/** One label matcher of a selector. */
export interface LabelMatcher {
  readonly label: string;
  readonly op: MatchOp;
  readonly value: string;
}

/** Binary operators, with PromQL's precedence (higher binds tighter). */
const PRECEDENCE: Record<BinaryOp, number> = {
  'or': 1, 'and': 2, 'unless': 2,
  '==': 3, '!=': 3, '>': 3, '<': 3, '>=': 3, '<=': 3,
  '+': 4, '-': 4,
  '*': 5, '/': 5, '%': 5,
};

export type BinaryOp = 'or' | 'and' | 'unless' | '==' | '!=' | '>' | '<' | '>=' | '<=' | '+' | '-' | '*' | '/' | '%';

/** A PromQL expression. */
export abstract class PromExpr {
  /** The operator precedence of the outermost node (atoms: Infinity). */
  public abstract readonly precedence: number;
  /** The expression's text. */
  public abstract render(): string;

  public toString(): string {
    return this.render();
  }
}

/** A PromQL string literal: Go-style double quotes (JSON escaping is a subset Prometheus reads). */
export function quote(value: string): string {
  return JSON.stringify(value);
}

/** `metric{label="value", ...}`: an instant vector selector. */
export class Selector extends PromExpr {
  public readonly precedence = Infinity;

  constructor(public readonly metric: string, public readonly matchers: readonly LabelMatcher[] = []) {
    super();
    if (!METRIC_NAME.test(metric)) throw new Error(`not a Prometheus metric name: ${quote(metric)}`);
    for (const m of matchers) {
      if (!LABEL_NAME.test(m.label)) throw new Error(`not a Prometheus label name: ${quote(m.label)}`);
    }
  }

  /** This selector with one more matcher. */
  public where(label: string, op: MatchOp, value: string): Selector {
    return new Selector(this.metric, [...this.matchers, { label, op, value }]);
  }

  /** This selector with `label="value"`. */
  public eq(label: string, value: string): Selector {
    return this.where(label, '=', value);
  }

  /** This selector with `label=~"regex"`. */
  public re(label: string, regex: string): Selector {
    return this.where(label, '=~', regex);
  }

  /** The range vector `selector[window]`. */
  public over(window: Duration): RangeSelector {
    return new RangeSelector(this, window);
  }

  public render(): string {
    if (this.matchers.length === 0) return this.metric;
    return `${this.metric}{${this.matchers.map((m) => `${m.label}${m.op}${quote(m.value)}`).join(', ')}}`;
  }
}

/** `selector[5m]`. */
export class RangeSelector extends PromExpr {
  public readonly precedence = Infinity;
  constructor(public readonly selector: Selector, public readonly window: Duration) {
    super();
  }
  public render(): string {
    return `${this.selector.render()}[${promDuration(this.window)}]`;
  }
}

/** A PromQL duration (`5m`, `90s`, `1h30m` as `90m`), whole milliseconds at least 1 ms. */
export function promDuration(d: Duration): string {
  const ms = d.toMilliseconds();
  if (!Number.isInteger(ms) || ms < 1) throw new Error(`not a PromQL duration: ${ms} ms`);
  const units: [string, number][] = [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000], ['ms', 1]];
  for (const [unit, size] of units) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

/** A number literal. */
export class NumberLiteral extends PromExpr {
  public readonly precedence = Infinity;
  constructor(public readonly value: number) {
    super();
    if (!Number.isFinite(value)) throw new Error(`not a finite number: ${value}`);
  }
  public render(): string {
    // Exponents Prometheus reads (1e-05); integers as such.
    return String(this.value);
  }
}

/** A function call such as `rate(x[5m])` or `histogram_quantile(0.99, ...)`. */
export class Call extends PromExpr {
  public readonly precedence = Infinity;
  constructor(public readonly fn: string, public readonly args: readonly PromExpr[]) {
    super();
  }
  public render(): string {
    return `${this.fn}(${this.args.map((a) => a.render()).join(', ')})`;
  }
}

/** `sum by (a, b) (expr)` and the other aggregations. */
export class Aggregation extends PromExpr {
  public readonly precedence = Infinity;
  constructor(public readonly op: 'sum' | 'max' | 'min' | 'avg' | 'count', public readonly by: readonly string[], public readonly expr: PromExpr,
    public readonly grouping: 'by' | 'without' = 'by') {
    super();
    for (const l of by) {
      if (!LABEL_NAME.test(l)) throw new Error(`not a Prometheus label name: ${quote(l)}`);
    }
  }
  public render(): string {
    const by = this.by.length > 0 ? ` ${this.grouping} (${this.by.join(', ')})` : '';
    return `${this.op}${by} (${this.expr.render()})`;
  }
}

/** `a op b`, parenthesizing operands by precedence. Comparisons against vectors filter (no `bool`). */
export class Binary extends PromExpr {
  public readonly precedence: number;
  constructor(public readonly left: PromExpr, public readonly op: BinaryOp, public readonly right: PromExpr) {
    super();
    this.precedence = PRECEDENCE[op];
  }
  public render(): string {
    // Left-associative: a right operand of equal precedence needs parentheses, a left one does not.
    const l = this.left.precedence < this.precedence ? `(${this.left.render()})` : this.left.render();
    const r = this.right.precedence <= this.precedence ? `(${this.right.render()})` : this.right.render();
    return `${l} ${this.op} ${r}`;
  }
}

/** The builders the alerts, recording rules and dashboards use. */
export const q = {
  metric: (name: string): Selector => new Selector(name),
  num: (value: number): NumberLiteral => new NumberLiteral(value),
  rate: (range: RangeSelector): Call => new Call('rate', [range]),
  increase: (range: RangeSelector): Call => new Call('increase', [range]),
  sum: (expr: PromExpr, ...by: string[]): Aggregation => new Aggregation('sum', by, expr),
  max: (expr: PromExpr, ...by: string[]): Aggregation => new Aggregation('max', by, expr),
  min: (expr: PromExpr, ...by: string[]): Aggregation => new Aggregation('min', by, expr),
  count: (expr: PromExpr, ...by: string[]): Aggregation => new Aggregation('count', by, expr),
  sumWithout: (expr: PromExpr, ...without: string[]): Aggregation => new Aggregation('sum', without, expr, 'without'),
  /** `histogram_quantile(q, sum by (le, ...by) (rate(bucket[window])))`. */
  quantile: (quantile: number, bucket: Selector, window: Duration, ...by: string[]): Call => {
    if (!(quantile > 0 && quantile < 1)) throw new Error(`not a quantile: ${quantile}`);
    if (!bucket.metric.endsWith('_bucket')) throw new Error(`not a histogram bucket series: ${bucket.metric}`);
    return new Call('histogram_quantile', [new NumberLiteral(quantile), new Aggregation('sum', ['le', ...by], new Call('rate', [bucket.over(window)]))]);
  },
  div: (a: PromExpr, b: PromExpr): Binary => new Binary(a, '/', b),
  mul: (a: PromExpr, b: PromExpr): Binary => new Binary(a, '*', b),
  gt: (a: PromExpr, b: PromExpr | number): Binary => new Binary(a, '>', typeof b === 'number' ? new NumberLiteral(b) : b),
  lt: (a: PromExpr, b: PromExpr | number): Binary => new Binary(a, '<', typeof b === 'number' ? new NumberLiteral(b) : b),
  and: (a: PromExpr, b: PromExpr): Binary => new Binary(a, 'and', b),
  or: (a: PromExpr, b: PromExpr): Binary => new Binary(a, 'or', b),
  /** A regex matching exactly one of `values` (dots and other metacharacters escaped). */
  anyOf: (values: readonly string[]): string => values.map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'),
};
