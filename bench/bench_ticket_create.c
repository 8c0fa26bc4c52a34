/*
 * bench_ticket_create.c - ticket creation throughput. A creation is the
 * number, priority, routing, SLA due times, the ticket row and its audit
 * rows, in a transaction. BATCH creations share one commit (group commit,
 * as an event loop does with the events of one iteration); BATCH 1 commits
 * each ticket alone. Prints one JSON line.
 *
 *   bench_ticket_create [N [BATCH]]     (default 200000 1)
 */
#include "hd/desk.h"
#include "hd/embedded.h"
#include "hd/ticket.h"
#include "hd/users.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static double seconds(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    static const char *const categories[] = {"network",  "vpn",      "email",   "printer",
                                             "hardware", "software", "account", NULL};
    long n = argc > 1 ? strtol(argv[1], NULL, 10) : 200000, i;
    long batch = argc > 2 ? strtol(argv[2], NULL, 10) : 1;
    char dir[] = "/tmp/hdbench.XXXXXX";
    char path[64];
    hd_config *cfg;
    hd_desk *desk;
    int64_t ids[64];
    double t0, elapsed;

    if (mkdtemp(dir) == NULL)
        return 1;
    snprintf(path, sizeof(path), "%s/bench.db", dir);
    if (hd_config_load(&cfg, hd_embedded_find("deskbot.json"), NULL) != 0 ||
        hd_desk_open(&desk, cfg, path) != 0) {
        fprintf(stderr, "bench: %s\n", hd_error_last());
        return 1;
    }
    for (i = 0; i < 64; i++) {
        hd_employee e = {0};
        char name[32];

        snprintf(name, sizeof(name), "user%ld", i);
        e.username = name;
        e.display_name = name;
        e.vip = i % 16 == 0;
        e.department = (char *)"Finance";
        hd_users_upsert(desk, &e, &ids[i], 1);
    }
    t0 = seconds();
    for (i = 0; i < n; i++) {
        hd_ticket_spec spec = {0};
        hd_ticket *t = NULL;

        if (batch > 1 && i % batch == 0 && hd_store_begin(hd_desk_store(desk)) != 0)
            return 1;
        spec.type = (hd_ticket_type)(i % 7 == 0 ? HD_TYPE_SERVICE_REQUEST : HD_TYPE_INCIDENT);
        spec.category = categories[i % 8];
        spec.title = "Cannot print to the third-floor printer since this morning";
        spec.description = "The printer shows an error and nothing comes out.";
        spec.details = "{\"location\":\"HQ A 3\",\"since\":\"this morning\"}";
        spec.impact = (hd_impact)(i % 3);
        spec.urgency = (hd_urgency)(i % 4);
        spec.requester_id = ids[i % 64];
        spec.channel = "bench";
        if (hd_ticket_create(desk, &spec, "bench", 1763380000 + i, &t) != 0) {
            fprintf(stderr, "bench: %s\n", hd_error_last());
            return 1;
        }
        hd_ticket_free(t);
        if (batch > 1 && (i % batch == batch - 1 || i == n - 1) &&
            hd_store_commit(hd_desk_store(desk)) != 0)
            return 1;
    }
    elapsed = seconds() - t0;
    printf("{\"bench\":\"ticket_create\",\"tickets\":%ld,\"batch\":%ld,\"seconds\":%.3f,"
           "\"per_second\":%.0f,\"us_per_ticket\":%.2f,\"audit_rows_per_ticket\":3}\n",
           n, batch, elapsed, (double)n / elapsed, elapsed * 1e6 / (double)n);
    hd_desk_close(desk);
    hd_config_free(cfg);
    unlink(path);
    snprintf(path, sizeof(path), "%s/bench.db-wal", dir);
    unlink(path);
    snprintf(path, sizeof(path), "%s/bench.db-shm", dir);
    unlink(path);
    rmdir(dir);
    return 0;
}
