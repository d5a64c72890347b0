-- A programmatic access token of a TYPE = SERVICE user works only while the user is subject to a
-- network policy with network rules (Snowflake's default PAT policy); papi creates none. Run these as
-- SECURITYADMIN (or a role with CREATE NETWORK RULE on the schema and CREATE NETWORK POLICY), after
-- replacing the address with the public IPv4 range the token is used from. The policy then applies
-- to every login of the user, key-pair logins (papi token) included.
CREATE NETWORK RULE IF NOT EXISTS <% rule %>
  MODE = INGRESS
  TYPE = IPV4
  VALUE_LIST = ('<your public IPv4>/32');

CREATE NETWORK POLICY IF NOT EXISTS <% policy %>
  ALLOWED_NETWORK_RULE_LIST = (<% rule_literal %>);

ALTER USER <% service_user %> SET NETWORK_POLICY = <% policy %>;
