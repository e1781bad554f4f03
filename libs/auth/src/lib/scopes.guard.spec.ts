import { Controller, Get, type INestApplication, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { testCredential } from '../testing';
import { parseCredentials, type Principal } from './credentials';
import { CREDENTIAL_REGISTRY, CurrentPrincipal, Public, RequireScopes, ScopesGuard } from './scopes.guard';

@Controller()
class SampleController {
  @Public()
  @Get('open')
  open() {
    return { open: true };
  }

  @RequireScopes('orders:read')
  @Get('orders')
  orders(@CurrentPrincipal() who: Principal) {
    return { who: who.name };
  }

  @Get('forgotten')
  forgotten() {
    return { leaked: true };
  }
}

@RequireScopes('orders:write')
@Controller('admin')
class WriteController {
  @RequireScopes('orders:read')
  @Get()
  both(@CurrentPrincipal() who: Principal) {
    return { who: who.name };
  }
}

describe('ScopesGuard', () => {
  const reader = testCredential('reader', ['orders:read']);
  const writer = testCredential('writer', ['orders:read', 'orders:write']);
  let app: INestApplication;
  let base: string;

  beforeAll(async () => {
    @Module({
      controllers: [SampleController, WriteController],
      providers: [
        { provide: CREDENTIAL_REGISTRY, useValue: parseCredentials(`${reader.entry} ${writer.entry}`) },
        { provide: APP_GUARD, useClass: ScopesGuard },
      ],
    })
    class SampleModule {}
    const moduleRef = await Test.createTestingModule({ imports: [SampleModule] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
    base = await app.getUrl();
  });

  afterAll(() => app.close());

  const call = async (path: string, authorization?: string) => {
    const response = await fetch(`${base}${path}`, { headers: authorization ? { authorization } : {} });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it('lets anyone reach a public route', async () => {
    expect(await call('/open')).toEqual({ status: 200, body: { open: true } });
  });

  it('answers 401 with a reason without a valid bearer token', async () => {
    expect(await call('/orders')).toMatchObject({ status: 401, body: { message: 'an Authorization: Bearer <token> header is required' } });
    expect(await call('/orders', 'Basic eA==')).toMatchObject({ status: 401, body: { message: 'the Authorization header must be "Bearer <token>"' } });
    expect(await call('/orders', 'Bearer clk_forged')).toMatchObject({ status: 401, body: { message: 'the bearer token is not valid' } });
  });

  it('admits a principal holding the scope and hands it to the handler', async () => {
    expect(await call('/orders', reader.authorization)).toEqual({ status: 200, body: { who: 'reader' } });
  });

  it('needs the class and the handler scopes together', async () => {
    expect(await call('/admin', reader.authorization)).toMatchObject({ status: 403, body: { message: 'requires scope orders:write' } });
    expect(await call('/admin', writer.authorization)).toEqual({ status: 200, body: { who: 'writer' } });
  });

  it('refuses a route marked neither public nor scoped, even to a valid caller', async () => {
    expect(await call('/forgotten', writer.authorization)).toMatchObject({ status: 403 });
    expect(await call('/forgotten')).toMatchObject({ status: 401 });
  });
});
