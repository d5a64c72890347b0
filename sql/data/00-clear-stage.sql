-- Empty the stage folders before papi PUTs this run's files, so files left by an earlier run (under
-- other names) are not loaded again.
REMOVE @<% stage %>/ratings/;

REMOVE @<% stage %>/titles/;

REMOVE @<% stage %>/users/;
