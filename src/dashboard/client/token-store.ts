const KEY = 'gatehouse-dashboard:admin-token';

/**
 * Where the admin token is kept: this tab's sessionStorage (gone when the tab closes), or
 * localStorage when the user asks to be remembered.
 */
export class TokenStore {
  readonly #served: string | undefined;

  constructor() {
    this.#served = document.querySelector<HTMLMetaElement>('meta[name="gatehouse-admin-token"]')?.content || undefined;
  }

  /** The token the user entered earlier, in this tab or remembered. */
  stored(): string | undefined {
    return sessionStorage.getItem(KEY) ?? localStorage.getItem(KEY) ?? undefined;
  }

  /** The token the page came with (only the demo serves one). */
  get served(): string | undefined {
    return this.#served;
  }

  set(token: string, remember: boolean): void {
    this.clear();
    (remember ? localStorage : sessionStorage).setItem(KEY, token);
  }

  clear(): void {
    sessionStorage.removeItem(KEY);
    localStorage.removeItem(KEY);
  }
}
