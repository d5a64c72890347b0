-- Uploads one prepared file into its stage folder (the driver reads the file and copies it). papi
-- hands it the file gzipped already (src/data/output.ts gzipForUpload), which the driver uploads as it
-- is; any other file it would gzip on the way, so COPY INTO reads it compressed either way. OVERWRITE
-- replaces the file of an earlier run.
PUT <% file %> @<% stage %>/<% folder %>/ AUTO_COMPRESS = TRUE OVERWRITE = TRUE;
