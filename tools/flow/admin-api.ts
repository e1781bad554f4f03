import { DEMO_ADMIN_TOKEN } from '../stack/local-env';
import type { World } from './world';

/** The services' admin APIs, called as the local demo's admin (every scope). */
export class AdminApi {
  constructor(
    private readonly world: Pick<World, 'url'>,
    private readonly token = DEMO_ADMIN_TOKEN,
  ) {}

  get<T>(service: string, path: string): Promise<T> {
    return this.call<T>(service, 'GET', path);
  }

  post<T = unknown>(service: string, path: string, body: unknown): Promise<T> {
    return this.call<T>(service, 'POST', path, JSON.stringify(body), 'application/json');
  }

  upload<T>(service: string, path: string, text: string): Promise<T> {
    return this.call<T>(service, 'POST', path, text, 'text/plain');
  }

  private async call<T>(service: string, method: string, path: string, body?: string, contentType?: string): Promise<T> {
    const response = await fetch(`${this.world.url(service)}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.token}`, ...(contentType ? { 'content-type': contentType } : {}) },
      body,
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${service} ${method} ${path} → ${response.status}: ${text.slice(0, 500)}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }
}
