-- Uploads one prepared file into its stage folder (the driver reads the file and copies it; gzip on
-- the way, so COPY INTO reads it compressed). OVERWRITE replaces the file of an earlier run.
PUT <% file %> @<% stage %>/<% folder %>/ AUTO_COMPRESS = TRUE OVERWRITE = TRUE;
