# The machines behind Varnish, included by portal.vcl: edit this file for each site.
# scripts/scale-out-demo writes its own copy with the ports of its two app servers.

probe portal_health {
    .request = "GET /healthz HTTP/1.1"
        "Host: practices.example.org"
        "X-Forwarded-Proto: https"
        "Connection: close";
    .interval = 2s;
    .timeout = 1s;
    .window = 3;
    .threshold = 2;
    .initial = 2;
}

backend app_a {
    .host = "10.0.0.11";
    .port = "8000";
    .probe = portal_health;
}

backend app_b {
    .host = "10.0.0.12";
    .port = "8000";
    .probe = portal_health;
}

# Who may send BAN: the app servers and task workers (portal/cdn.py), by address.
acl purgers {
    "127.0.0.1";
    "10.0.0.0"/24;
}

sub vcl_init {
    new app = directors.round_robin();
    app.add_backend(app_a);
    app.add_backend(app_b);
}
