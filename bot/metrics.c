/*
 * metrics.c - counters, gauges and one latency histogram in the Prometheus
 * text exposition format (version 0.0.4).
 */
#include "metrics.h"

#include "hd/common.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

typedef enum kind { COUNTER, GAUGE, HISTOGRAM } kind;

static const struct family {
    const char *name;
    kind type;
    const char *help;
    const char *label; /* NULL: no label */
} families[] = {
    {"deskbot_messages_in_total", COUNTER, "Messages received, by channel.", "channel"},
    {"deskbot_messages_out_total", COUNTER, "Messages the platform accepted, by channel.",
     "channel"},
    {"deskbot_tickets_created_total", COUNTER, "Tickets opened, by type.", "type"},
    {"deskbot_kb_deflections_total", COUNTER,
     "Contacts solved by a knowledge-base article, without a ticket.", NULL},
    {"deskbot_outbox_depth", GAUGE, "Messages waiting to be sent.", NULL},
    {"deskbot_dead_letters", GAUGE, "Messages given up on.", NULL},
    {"deskbot_sla_warnings_total", COUNTER, "SLA targets about to be missed, by target.", "target"},
    {"deskbot_sla_breaches_total", COUNTER, "SLA targets missed, by target.", "target"},
    {"deskbot_reconnects_total", COUNTER, "Connections opened again, by channel.", "channel"},
    {"deskbot_intake_seconds", HISTOGRAM, "Time from receiving an event to committing its effects.",
     NULL},
};

#define N_FAMILIES (sizeof(families) / sizeof(families[0]))

static const double buckets[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0};
#define N_BUCKETS (sizeof(buckets) / sizeof(buckets[0]))

typedef struct sample {
    size_t family;
    char *label;
    double value;
} sample;

struct hd_metrics {
    sample *samples;
    size_t n, cap;
    unsigned long long counts[N_FAMILIES][N_BUCKETS + 1]; /* last: +Inf */
    double sums[N_FAMILIES];
};

hd_metrics *hd_metrics_new(void)
{
    return hd_calloc(1, sizeof(hd_metrics));
}

void hd_metrics_free(hd_metrics *m)
{
    size_t i;

    if (m == NULL)
        return;
    for (i = 0; i < m->n; i++)
        hd_free(m->samples[i].label);
    hd_free(m->samples);
    hd_free(m);
}

static int family_of(const char *name, kind type)
{
    size_t i;

    for (i = 0; i < N_FAMILIES; i++)
        if (strcmp(families[i].name, name) == 0)
            return families[i].type == type ? (int)i : -1;
    return -1;
}

static sample *find(hd_metrics *m, size_t f, const char *label)
{
    size_t i;

    if (families[f].label == NULL)
        label = NULL;
    for (i = 0; i < m->n; i++)
        if (m->samples[i].family == f &&
            (label ? m->samples[i].label && strcmp(m->samples[i].label, label) == 0
                   : m->samples[i].label == NULL))
            return &m->samples[i];
    if (m->n == m->cap) {
        m->cap = m->cap ? m->cap * 2 : 16;
        m->samples = hd_realloc(m->samples, m->cap * sizeof(sample));
    }
    m->samples[m->n].family = f;
    m->samples[m->n].label = hd_strdup(label);
    m->samples[m->n].value = 0;
    return &m->samples[m->n++];
}

void hd_metrics_add(hd_metrics *m, const char *family, const char *label, double by)
{
    int f = family_of(family, COUNTER);

    if (f >= 0 && by >= 0)
        find(m, (size_t)f, label)->value += by;
}

void hd_metrics_set(hd_metrics *m, const char *family, const char *label, double value)
{
    int f = family_of(family, GAUGE);

    if (f >= 0)
        find(m, (size_t)f, label)->value = value;
}

void hd_metrics_observe(hd_metrics *m, const char *family, double seconds)
{
    int f = family_of(family, HISTOGRAM);
    size_t b;

    if (f < 0)
        return;
    for (b = 0; b < N_BUCKETS && seconds > buckets[b]; b++)
        ;
    m->counts[f][b]++;
    m->sums[f] += seconds;
}

typedef struct out {
    char *s;
    size_t len, cap;
} out;

static void emit(out *o, const char *fmt, ...) HD_PRINTF(2, 3);

static void emit(out *o, const char *fmt, ...)
{
    va_list ap;
    int n;

    for (;;) {
        va_start(ap, fmt);
        n = vsnprintf(o->s + o->len, o->cap - o->len, fmt, ap);
        va_end(ap);
        if (n >= 0 && (size_t)n < o->cap - o->len) {
            o->len += (size_t)n;
            return;
        }
        o->cap = o->cap * 2 + (size_t)(n > 0 ? n : 0) + 64;
        o->s = hd_realloc(o->s, o->cap);
    }
}

/* A label value with \, " and newlines escaped, as the format requires. */
static void emit_label(out *o, const char *v)
{
    for (; *v; v++) {
        if (*v == '\\')
            emit(o, "\\\\");
        else if (*v == '"')
            emit(o, "\\\"");
        else if (*v == '\n')
            emit(o, "\\n");
        else
            emit(o, "%c", *v);
    }
}

char *hd_metrics_render(const hd_metrics *m)
{
    static const char *const type_names[] = {"counter", "gauge", "histogram"};
    out o = {hd_malloc(1024), 0, 1024};
    size_t f, i, b;

    o.s[0] = '\0';
    for (f = 0; f < N_FAMILIES; f++) {
        const struct family *fam = &families[f];
        unsigned long long total = 0;
        int any = 0;

        emit(&o, "# HELP %s %s\n# TYPE %s %s\n", fam->name, fam->help, fam->name,
             type_names[fam->type]);
        if (fam->type == HISTOGRAM) {
            for (b = 0; b <= N_BUCKETS; b++) {
                total += m->counts[f][b];
                if (b < N_BUCKETS)
                    emit(&o, "%s_bucket{le=\"%g\"} %llu\n", fam->name, buckets[b], total);
                else
                    emit(&o, "%s_bucket{le=\"+Inf\"} %llu\n", fam->name, total);
            }
            emit(&o, "%s_sum %.9g\n%s_count %llu\n", fam->name, m->sums[f], fam->name, total);
            continue;
        }
        for (i = 0; i < m->n; i++) {
            const sample *s = &m->samples[i];

            if (s->family != f)
                continue;
            any = 1;
            if (s->label) {
                emit(&o, "%s{%s=\"", fam->name, fam->label);
                emit_label(&o, s->label);
                emit(&o, "\"} %.17g\n", s->value);
            } else {
                emit(&o, "%s %.17g\n", fam->name, s->value);
            }
        }
        /* An unlabelled family always shows, at 0 until it moves. */
        if (!any && fam->label == NULL)
            emit(&o, "%s 0\n", fam->name);
    }
    return o.s;
}
