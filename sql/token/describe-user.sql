-- The fingerprints of the keys registered on the service user (RSA_PUBLIC_KEY_FP, RSA_PUBLIC_KEY_2_FP).
DESCRIBE USER <% service_user %>;
