-- SPDX-License-Identifier: MIT
-- pgbench script of bench/api: one single-row INSERT per transaction (autocommit), a row about
-- as wide as an order's, into the table bench/api creates for the run and drops after it.
INSERT INTO bench_pgbench_insert (client, payload) VALUES (:client_id, 'IN-JP-2020 IN JP cash Yokosuka berth 4 2024-06-18: Diesel fuel marine 1000 l at 150 JPY; Potable water 20000 l at 2 JPY');
