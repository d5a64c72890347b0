-- A compute pool cannot be dropped while a service runs in it: the service goes first.
DROP SERVICE IF EXISTS <% service %>;
