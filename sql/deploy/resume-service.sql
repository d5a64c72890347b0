-- papi resume: SPCS starts the containers again from the same image (not an upgrade).
ALTER SERVICE <% service %> RESUME;
