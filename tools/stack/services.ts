/**
 * The six cardlink services as the local stack knows them: the schema and the
 * database role each one owns, and the port it listens on. Kubernetes
 * manifests and the compose file repeat these names; keep them in step.
 */
export interface ServiceSpec {
  name: string;
  schema: string;
  role: string;
  port: number;
}

export const SERVICES: readonly ServiceSpec[] = [
  { name: 'shop-gateway', schema: 'gateway', role: 'cardlink_gateway', port: 3000 },
  { name: 'order-processing', schema: 'orders', role: 'cardlink_orders', port: 3001 },
  { name: 'risk-control', schema: 'risk', role: 'cardlink_risk', port: 3002 },
  { name: 'card-inventory', schema: 'inventory', role: 'cardlink_inventory', port: 3003 },
  { name: 'delivery-notifications', schema: 'delivery', role: 'cardlink_delivery', port: 3004 },
  { name: 'catalog-sync', schema: 'catalog', role: 'cardlink_catalog', port: 3005 },
];

export function serviceSpec(name: string): ServiceSpec {
  const spec = SERVICES.find((s) => s.name === name);
  if (!spec) throw new Error(`unknown service "${name}"; known: ${SERVICES.map((s) => s.name).join(', ')}`);
  return spec;
}
