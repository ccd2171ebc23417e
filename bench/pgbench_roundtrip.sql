-- SPDX-License-Identifier: MIT
-- pgbench script of bench/api: one round trip to the server and nothing else.
SELECT 1;
