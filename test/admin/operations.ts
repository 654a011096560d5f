/** Admin operations and result shapes shared by the API-management tests. */

export const PLAN_FIELDS = `id name rateLimitPoints rateLimitWindowSeconds quotaPeriod quotaCostPoints quotaRequests maxCost maxDepth introspectionAllowed trustedDocumentsOnly`;
export const KEY_FIELDS = `id prefix label status createdAt expiresAt revokedAt consumer { name }`;

export const CREATE_PLAN = /* GraphQL */ `mutation CreatePlan($input: CreatePlanInput!) { createPlan(input: $input) { ${PLAN_FIELDS} } }`;
export const CREATE_CONSUMER = /* GraphQL */ `
  mutation CreateConsumer($input: CreateConsumerInput!) { createConsumer(input: $input) { name disabled plan { name } apiKeys { id } } }
`;
export const ISSUE_KEY = /* GraphQL */ `mutation Issue($input: IssueApiKeyInput!) { issueApiKey(input: $input) { key apiKey { ${KEY_FIELDS} } } }`;
export const ROTATE_KEY = /* GraphQL */ `mutation Rotate($input: RotateApiKeyInput!) { rotateApiKey(input: $input) { key apiKey { ${KEY_FIELDS} } } }`;

export interface KeyView {
  id: string;
  prefix: string;
  label: string | null;
  status: 'ACTIVE' | 'EXPIRED' | 'REVOKED';
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  consumer: { name: string };
}

export interface IssuedKey {
  key: string;
  apiKey: KeyView;
}
