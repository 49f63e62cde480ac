-- pgbridge demo database: a small shop, realistic enough to try every feature on.
CREATE SCHEMA sales;
CREATE SCHEMA inventory;
CREATE SCHEMA analytics;
CREATE SCHEMA "Sales";
CREATE SCHEMA staging;

CREATE TABLE sales.customers (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email       text NOT NULL UNIQUE,
    full_name   text NOT NULL,
    country     char(2) NOT NULL DEFAULT 'DE',
    created_at  timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE sales.customers IS 'People who bought something';

CREATE TABLE inventory.products (
    sku         text PRIMARY KEY,
    name        text NOT NULL,
    price       numeric(12,2) NOT NULL CHECK (price >= 0),
    tags        text[] NOT NULL DEFAULT '{}',
    attributes  jsonb NOT NULL DEFAULT '{}'
);

CREATE TABLE inventory.stock (
    sku         text NOT NULL REFERENCES inventory.products(sku),
    warehouse   text NOT NULL,
    quantity    integer NOT NULL,
    PRIMARY KEY (sku, warehouse)
);

CREATE TABLE sales.orders (
    id          bigint GENERATED ALWAYS AS IDENTITY,
    customer_id bigint NOT NULL REFERENCES sales.customers(id),
    ordered_at  timestamptz NOT NULL,
    status      text NOT NULL DEFAULT 'open',
    PRIMARY KEY (id, ordered_at)
) PARTITION BY RANGE (ordered_at);
CREATE TABLE sales.orders_2025 PARTITION OF sales.orders FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE TABLE sales.orders_2026 PARTITION OF sales.orders FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');

CREATE TABLE sales.order_lines (
    order_id    bigint NOT NULL,
    ordered_at  timestamptz NOT NULL,
    line_no     integer NOT NULL,
    sku         text NOT NULL REFERENCES inventory.products(sku),
    quantity    integer NOT NULL,
    unit_price  numeric(12,2) NOT NULL,
    PRIMARY KEY (order_id, line_no),
    FOREIGN KEY (order_id, ordered_at) REFERENCES sales.orders(id, ordered_at)
);

CREATE TABLE inventory.product_manuals (
    sku         text PRIMARY KEY REFERENCES inventory.products(sku),
    body        text NOT NULL
);
ALTER TABLE inventory.product_manuals ALTER COLUMN body SET STORAGE EXTERNAL;

INSERT INTO sales.customers (email, full_name, country)
SELECT 'customer' || g || '@example.com', 'Customer ' || g, (ARRAY['DE','FR','US','JP','BR'])[1 + g % 5]
FROM generate_series(1, 500) g;

INSERT INTO inventory.products (sku, name, price, tags, attributes)
SELECT 'SKU-' || lpad(g::text, 4, '0'), 'Product ' || g, round((5 + (g * 7.31) % 200)::numeric, 2),
       ARRAY['tag' || (g % 3), 'tag' || (g % 5)], jsonb_build_object('color', (ARRAY['red','green','blue'])[1 + g % 3], 'weight_g', 100 + g)
FROM generate_series(1, 200) g;

INSERT INTO inventory.stock (sku, warehouse, quantity)
SELECT p.sku, w, (length(p.sku) * 13 + ascii(w)) % 97
FROM inventory.products p CROSS JOIN unnest(ARRAY['berlin','lyon','austin']) w;

INSERT INTO sales.orders (customer_id, ordered_at, status)
SELECT 1 + g % 500, timestamptz '2025-01-01' + (g * interval '37 minutes'), (ARRAY['open','paid','shipped'])[1 + g % 3]
FROM generate_series(1, 20000) g;

INSERT INTO sales.order_lines (order_id, ordered_at, line_no, sku, quantity, unit_price)
SELECT o.id, o.ordered_at, l, 'SKU-' || lpad((1 + (o.id * l) % 200)::text, 4, '0'), 1 + (o.id + l) % 4, 9.99
FROM sales.orders o CROSS JOIN generate_series(1, 3) l;

INSERT INTO inventory.product_manuals (sku, body)
SELECT sku, repeat('Chapter ' || sku || ': how to use it safely. ', 4000) FROM inventory.products WHERE sku <= 'SKU-0020';

-- a mixed-case schema and table, whose names must be double-quoted: "Sales"."Orders"
CREATE TABLE "Sales"."Orders" (
    id             bigint PRIMARY KEY,
    customer_email text NOT NULL,
    amount         numeric(12,2) NOT NULL,
    ordered_at     timestamptz NOT NULL
);
INSERT INTO "Sales"."Orders" (id, customer_email, amount, ordered_at)
SELECT g, 'customer' || (1 + g % 500) || '@example.com', round((g * 3.17)::numeric % 500, 2),
       timestamptz '2025-01-01' + g * interval '5 hours'
FROM generate_series(1, 1000) g;

-- a landing area for loads: pgbridge load --table staging.events --upsert-key id …
CREATE TABLE staging.events (
    id          bigint PRIMARY KEY,
    kind        text NOT NULL,
    payload     jsonb,
    occurred_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO staging.events (id, kind, payload, occurred_at)
SELECT g, (ARRAY['click','view','purchase'])[1 + g % 3], jsonb_build_object('n', g),
       timestamptz '2025-06-01' + g * interval '1 minute'
FROM generate_series(1, 100) g;

CREATE VIEW sales.open_orders AS
SELECT o.id, o.ordered_at, c.email FROM sales.orders o JOIN sales.customers c ON c.id = o.customer_id WHERE o.status = 'open';

CREATE MATERIALIZED VIEW analytics.revenue_by_month AS
SELECT date_trunc('month', ordered_at) AS month, sum(quantity * unit_price) AS revenue, count(*) AS lines
FROM sales.order_lines GROUP BY 1 ORDER BY 1;

-- planner statistics, so `pgbridge tables` shows row estimates from the start
ANALYZE;
