-- The tables dbt built for the jaffle_shop fixture (manifest.json, catalog.json, run_results.json beside this file),
-- as a DatabaseMetadata workflow finds them. analytics.customer_ltv is in the manifest but was never built.
CREATE SCHEMA raw;
CREATE TABLE raw.customers (id integer PRIMARY KEY, first_name text, last_name text);
CREATE TABLE raw.orders (id integer PRIMARY KEY, user_id integer, order_date date, status text);
CREATE TABLE raw.payments (id integer PRIMARY KEY, order_id integer, payment_method text, amount integer);

CREATE SCHEMA staging;
CREATE VIEW staging.stg_customers AS SELECT id AS customer_id, first_name, last_name FROM raw.customers;
CREATE VIEW staging.stg_orders AS SELECT id AS order_id, user_id AS customer_id, order_date, status FROM raw.orders;
CREATE VIEW staging.stg_payments AS
    SELECT id AS payment_id, order_id, payment_method, amount / 100.0 AS amount FROM raw.payments;

CREATE SCHEMA analytics;
CREATE TABLE analytics.customers (customer_id integer, first_name text, last_name text, first_order date,
    most_recent_order date, number_of_orders bigint, customer_lifetime_value numeric);
CREATE TABLE analytics.orders (order_id integer, customer_id integer, order_date date, status text, amount numeric);
COMMENT ON TABLE analytics.orders IS 'Orders as the warehouse describes them';
CREATE TABLE analytics.payment_methods (payment_method text, label text);

CREATE SCHEMA snapshots;
CREATE TABLE snapshots.orders_snapshot (order_id integer, status text, dbt_scd_id text,
    dbt_updated_at timestamp, dbt_valid_from timestamp, dbt_valid_to timestamp);
