-- Registers the service user's public key (papi token). Odd key generations go to RSA_PUBLIC_KEY,
-- even ones to RSA_PUBLIC_KEY_2, so the previous key keeps working during a rotation.
ALTER USER <% service_user %> SET <% slot %> = <% public_key %>;
