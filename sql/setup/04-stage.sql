-- papi PUTs the rating and title files here (ratings/ and titles/ folders) before COPY INTO.
CREATE STAGE IF NOT EXISTS <% stage %>
  COMMENT = 'papi: uploaded rating and title files';
