import { h, type Child } from './dom.js';
import { formatCount, formatDateTime, formatPoints, formatSeconds } from './format.js';
import type { ConsumerSpend } from './queries.js';

/** One budget: used of limit, as a meter that warns near the end. */
function budget(stat: string, label: string, used: number, limit: number, format: (value: number) => string, detail: string): HTMLElement {
  return h(
    'div',
    { class: 'budget', 'data-budget': stat },
    h('div', { class: 'budget-line' }, h('span', { class: 'budget-label' }, label), h('span', { class: 'budget-value' }, `${format(used)} of ${format(limit)} used`)),
    h('meter', { min: 0, max: limit, value: Math.min(used, limit), low: limit * 0.75, high: limit * 0.9, optimum: 0, 'aria-label': label }),
    h('span', { class: 'muted small' }, detail),
  );
}

function periodName(period: 'DAY' | 'MONTH'): string {
  return period === 'DAY' ? 'today (UTC)' : 'this month (UTC)';
}

/** A consumer's spend against its plan: quota this period and its rate-limit budget now. */
export function spendView(spend: ConsumerSpend): Child[] {
  const { plan, quota, rateLimit, period } = spend;
  const rows: Child[] = [
    h(
      'p',
      { class: 'spend-plan' },
      'Plan ',
      h('strong', { 'data-role': 'plan' }, plan.name),
      spend.consumer.disabled ? h('span', { class: 'badge bad' }, 'disabled') : null,
    ),
  ];
  if (quota && quota.requestsLimit !== null) {
    rows.push(
      budget('quota-requests', `Requests ${periodName(quota.period)}`, quota.requestsUsed, quota.requestsLimit, formatCount, `${formatCount(quota.requestsRemaining)} left, resets ${formatDateTime(quota.resetAt)}`),
    );
  }
  if (quota && quota.costPointsLimit !== null) {
    rows.push(
      budget('quota-cost', `Cost points ${periodName(quota.period)}`, quota.costPointsUsed, quota.costPointsLimit, formatPoints, `${formatPoints(quota.costPointsRemaining)} left, resets ${formatDateTime(quota.resetAt)}`),
    );
  }
  if (!quota) rows.push(h('p', { class: 'muted' }, 'No quota on this plan.'));
  if (rateLimit) {
    rows.push(
      budget(
        'rate-limit',
        `Rate limit, per ${formatSeconds(rateLimit.windowSeconds)}`,
        rateLimit.limit - rateLimit.remaining,
        rateLimit.limit,
        formatCount,
        `${formatCount(rateLimit.remaining)} of ${formatCount(rateLimit.limit)} points left now, all back ${formatDateTime(rateLimit.resetAt)}`,
      ),
    );
  } else {
    rows.push(h('p', { class: 'muted' }, 'No rate limit on this plan.'));
  }
  rows.push(
    h(
      'p',
      { class: 'muted small', 'data-role': 'period' },
      `This period (${formatDateTime(period.start)} – ${formatDateTime(period.end)}): ${formatCount(period.requests)} requests, ${formatCount(period.errors)} errors, ${formatPoints(period.costSum)} cost points.`,
    ),
  );
  return rows;
}
