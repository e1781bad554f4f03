-- Local development only: roles, databases and schemas of the cardlink stack.
-- Mirrors tools/stack/postgres.ts (the no-Docker path) and the service list in
-- tools/stack/services.ts; keep the three in step. The postgres image runs this
-- once, as the superuser, when the data volume is empty.
-- Passwords are <role>_dev and only for this stack; real ones come from
-- Kubernetes Secrets.

\set ON_ERROR_STOP on

CREATE ROLE cardlink_gateway   LOGIN PASSWORD 'cardlink_gateway_dev';
CREATE ROLE cardlink_orders    LOGIN PASSWORD 'cardlink_orders_dev';
CREATE ROLE cardlink_risk      LOGIN PASSWORD 'cardlink_risk_dev';
CREATE ROLE cardlink_inventory LOGIN PASSWORD 'cardlink_inventory_dev';
CREATE ROLE cardlink_delivery  LOGIN PASSWORD 'cardlink_delivery_dev';
CREATE ROLE cardlink_catalog   LOGIN PASSWORD 'cardlink_catalog_dev';

CREATE DATABASE cardlink;
CREATE DATABASE cardlink_test;

-- Only the six service roles may connect (and use temporary tables).
REVOKE ALL ON DATABASE cardlink FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE cardlink
  TO cardlink_gateway, cardlink_orders, cardlink_risk, cardlink_inventory, cardlink_delivery, cardlink_catalog;
REVOKE ALL ON DATABASE cardlink_test FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE cardlink_test
  TO cardlink_gateway, cardlink_orders, cardlink_risk, cardlink_inventory, cardlink_delivery, cardlink_catalog;

-- Each service owns one schema and can touch nothing else: no shared public schema.
\connect cardlink
REVOKE ALL ON SCHEMA public FROM PUBLIC;
CREATE SCHEMA gateway   AUTHORIZATION cardlink_gateway;
CREATE SCHEMA orders    AUTHORIZATION cardlink_orders;
CREATE SCHEMA risk      AUTHORIZATION cardlink_risk;
CREATE SCHEMA inventory AUTHORIZATION cardlink_inventory;
CREATE SCHEMA delivery  AUTHORIZATION cardlink_delivery;
CREATE SCHEMA catalog   AUTHORIZATION cardlink_catalog;
REVOKE ALL ON SCHEMA gateway, orders, risk, inventory, delivery, catalog FROM PUBLIC;

\connect cardlink_test
REVOKE ALL ON SCHEMA public FROM PUBLIC;
CREATE SCHEMA gateway   AUTHORIZATION cardlink_gateway;
CREATE SCHEMA orders    AUTHORIZATION cardlink_orders;
CREATE SCHEMA risk      AUTHORIZATION cardlink_risk;
CREATE SCHEMA inventory AUTHORIZATION cardlink_inventory;
CREATE SCHEMA delivery  AUTHORIZATION cardlink_delivery;
CREATE SCHEMA catalog   AUTHORIZATION cardlink_catalog;
REVOKE ALL ON SCHEMA gateway, orders, risk, inventory, delivery, catalog FROM PUBLIC;
