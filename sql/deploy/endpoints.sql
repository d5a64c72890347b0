-- ingress_url is the endpoint's host once provisioned, a "provisioning in progress" text before.
SHOW ENDPOINTS IN SERVICE <% service %>;
