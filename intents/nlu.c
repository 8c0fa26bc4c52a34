/*
 * nlu.c - what the bot understands of a message: its language, the
 * likeliest intents and the slots it names.
 *
 * The classifier is a multinomial naive Bayes model per language, trained
 * at start-up on the catalog's examples, each keyword counting as one more
 * example of its intent. Features are Latin words (lower-cased, with a
 * light suffix stripping so "printers", "printing" and "printed" meet
 * "print"; numbers become one token), pairs of neighbouring Latin words,
 * CJK characters and pairs of neighbouring characters, and in the English
 * model the letter trigrams of each word ("^pr", "pri", … "er$"), which
 * carry over to word forms and typos the examples do not have. Each
 * feature counts once per message (binarised counts suit short texts), and
 * probabilities use additive (Laplace) smoothing. A feature is found
 * through an open-addressing hash table keyed by its 64-bit FNV-1a hash;
 * each row of per-intent log probabilities is one dense float array.
 *
 * The catalog's keywords are also rules: a keyword found in the message
 * (whole words in Latin script, a substring in CJK) adds log-evidence to
 * its intent. Scores become confidences by a softmax at a temperature; the
 * temperature and the keyword weight are fitted at start-up, per language,
 * to minimise the leave-one-out log loss on the examples, so a confidence
 * of 0.8 means about what it says on text like the examples, and a
 * message with no known feature gets the same low confidence for every
 * intent.
 */
#include "hd/intent.h"

#include "slots.h"
#include "text.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Additive smoothing of the feature counts. */
#define NLU_ALPHA 0.3
/* At most this many keywords of one intent count. */
#define NLU_KEYWORD_MAX 2
/* The longest Latin word kept whole, in bytes. */
#define WORD_MAX 40
/* Units (words and CJK characters), letter trigrams and features read from one message. */
#define MAX_UNITS 1024
#define MAX_GRAMS 4096
#define MAX_FEATS (2 * MAX_UNITS + MAX_GRAMS)

#define FNV_BASIS 0xcbf29ce484222325ULL
#define FNV_PRIME 0x100000001b3ULL

enum { UNIT_LATIN = 1, UNIT_CJK = 2 };

typedef struct unit {
    uint64_t h;
    unsigned char kind;
    unsigned char stop;   /* too common to say anything on its own */
    unsigned char joined; /* follows the previous unit closely enough to form a pair */
} unit;

/* Open addressing with linear probing; key 0 marks an empty slot. */
typedef struct table {
    uint64_t *keys;
    uint32_t *vals;
    size_t cap; /* a power of two */
    size_t n;
} table;

typedef struct model {
    table feats; /* feature hash -> row */
    float *logp; /* n_feats rows of n_intents log P(feature | intent) */
    double temperature;
    double boost; /* log-evidence of one matched keyword, after the temperature */
    double power; /* the temperature grows as (known features)^power */
} model;

typedef struct keyword {
    uint32_t intent;
    uint32_t n;
    uint64_t *units;
    int32_t next; /* the next keyword with the same first unit, or -1 */
} keyword;

struct hd_nlu {
    const hd_catalog *cat;
    size_t n_intents;
    model m[HD_LANG_COUNT];
    table kw_first; /* hash of a keyword's first unit -> index of a keyword */
    keyword *kw;
    size_t n_kw;
};

/* What one call reads a message into, allocated once per call. */
typedef struct scratch {
    hd_text t;
    unit units[MAX_UNITS];
    uint64_t grams[MAX_GRAMS];
    uint64_t feats[MAX_FEATS];
} scratch;

/* ---- hashing ----------------------------------------------------------- */

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    size_t i;

    for (i = 0; i < n; i++) {
        h ^= b[i];
        h *= FNV_PRIME;
    }
    return h;
}

static uint64_t nonzero(uint64_t h)
{
    return h ? h : 1;
}

static uint64_t pair_hash(uint64_t a, uint64_t b)
{
    uint64_t h = fnv(FNV_BASIS ^ 'p', &a, sizeof(a));

    return nonzero(fnv(h, &b, sizeof(b)));
}

static void table_init(table *tb, size_t cap)
{
    tb->cap = 16;
    while (tb->cap < cap * 2)
        tb->cap *= 2;
    tb->keys = hd_calloc(tb->cap, sizeof(*tb->keys));
    tb->vals = hd_calloc(tb->cap, sizeof(*tb->vals));
    tb->n = 0;
}

static void table_free(table *tb)
{
    hd_free(tb->keys);
    hd_free(tb->vals);
    memset(tb, 0, sizeof(*tb));
}

static long table_get(const table *tb, uint64_t key)
{
    size_t mask = tb->cap - 1, i;

    if (tb->cap == 0)
        return -1;
    for (i = (size_t)(key ^ (key >> 29)) & mask; tb->keys[i]; i = (i + 1) & mask)
        if (tb->keys[i] == key)
            return (long)tb->vals[i];
    return -1;
}

/* The value of `key`, inserting it with value `val` when absent. */
static uint32_t table_put(table *tb, uint64_t key, uint32_t val)
{
    size_t mask, i;

    if ((tb->n + 1) * 2 > tb->cap) {
        table old = *tb;

        table_init(tb, old.cap);
        for (i = 0; i < old.cap; i++)
            if (old.keys[i])
                table_put(tb, old.keys[i], old.vals[i]);
        table_free(&old);
    }
    mask = tb->cap - 1;
    for (i = (size_t)(key ^ (key >> 29)) & mask; tb->keys[i]; i = (i + 1) & mask)
        if (tb->keys[i] == key)
            return tb->vals[i];
    tb->keys[i] = key;
    tb->vals[i] = val;
    tb->n++;
    return val;
}

/* Set `key` to `val`, inserting or replacing. */
static void table_set(table *tb, uint64_t key, uint32_t val)
{
    size_t mask, i;

    table_put(tb, key, val);
    mask = tb->cap - 1;
    for (i = (size_t)(key ^ (key >> 29)) & mask; tb->keys[i] != key; i = (i + 1) & mask)
        ;
    tb->vals[i] = val;
}

/* ---- reading a message into units and features ------------------------- */

/* clang-format off */
static const char *const stop_words[] = {
    "a", "an", "the", "is", "are", "am", "was", "were", "be", "been", "to", "of", "and", "or",
    "i", "my", "me", "it", "its", "in", "on", "at", "for", "with", "this", "that", "so", "im",
    "do", "does", "did", "have", "has", "had", "would", "will", "our", "we", "there", "some",
    "any", "from", "by", "as", "about", "just", "get", "got", "also", "very", "really"};
static const char *const stop_cjk[] = {
    "的", "了", "吗", "呢", "吧", "啊", "是", "我", "你", "在", "和", "就", "都", "也", "很",
    "个", "这", "那", "一", "有", "要", "能", "请", "帮", "下"};
/* clang-format on */

static int is_stop(const char *w, size_t n, const char *const *list, size_t count)
{
    size_t i;

    for (i = 0; i < count; i++)
        if (strlen(list[i]) == n && memcmp(list[i], w, n) == 0)
            return 1;
    return 0;
}

static int ends(const char *w, size_t n, const char *suffix)
{
    size_t k = strlen(suffix);

    return n >= k && memcmp(w + n - k, suffix, k) == 0;
}

static int vowel(char c)
{
    return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
}

/*
 * A light English suffix stripping: plural -s/-es/-ies, -ing and -ed (with
 * a doubled consonant undone), then a final -e, so that "jams", "jammed"
 * and "jamming" become "jam", and "share", "shared" and "sharing" "shar".
 * Wrong stems are harmless as long as they are the same ones in training.
 */
static size_t stem(char *w, size_t n)
{
    int stripped = 0;

    if (n > 4 && ends(w, n, "ies")) {
        n -= 3;
        w[n++] = 'y';
    } else if (n > 4 && (ends(w, n, "sses") || ends(w, n, "ches") || ends(w, n, "shes") ||
                         ends(w, n, "xes") || ends(w, n, "zes"))) {
        n -= 2;
    } else if (n > 3 && w[n - 1] == 's' && w[n - 2] != 's' && w[n - 2] != 'u' && w[n - 2] != 'i') {
        n -= 1;
    }
    if (n > 5 && ends(w, n, "ing")) {
        n -= 3;
        stripped = 1;
    } else if (n > 4 && ends(w, n, "ed")) {
        n -= 2;
        stripped = 1;
    }
    if (stripped && n >= 2 && w[n - 1] == w[n - 2] && !vowel(w[n - 1]) && w[n - 1] != 'l' &&
        w[n - 1] != 's' && w[n - 1] != 'z')
        n--;
    if (n > 4 && w[n - 1] == 'e')
        n--;
    return n;
}

static int is_word_cp(uint32_t cp)
{
    return (cp >= 0xC0 && cp <= 0x24F && cp != 0xD7 && cp != 0xF7) || (cp >= 0x370 && cp <= 0x52F);
}

static int is_sentence_mark(uint32_t cp)
{
    return cp == '.' || cp == ',' || cp == ';' || cp == ':' || cp == '!' || cp == '?' ||
           cp == '\n' || cp == 0x3002 || cp == 0xFF0C || cp == 0xFF1B || cp == 0xFF1A ||
           cp == 0xFF01 || cp == 0xFF1F || cp == 0x3001;
}

typedef struct reader {
    unit *u;
    int n, max;
    uint64_t *grams; /* letter trigrams of the words, or NULL for none */
    int n_grams, max_grams;
    int gap; /* 0 adjacent, 1 spaces or symbols, 2 a sentence mark */
    char word[WORD_MAX];
    size_t wlen;
    int in_word, ascii_only, digits_only;
} reader;

static void emit(reader *r, uint64_t h, int kind, int stop)
{
    unit *u;
    int joined = 0;

    if (r->n >= r->max)
        return;
    if (r->n > 0) {
        const unit *prev = &r->u[r->n - 1];

        if (kind == UNIT_LATIN)
            joined = prev->kind == UNIT_LATIN && r->gap <= 1;
        else
            joined = prev->kind == UNIT_CJK && r->gap == 0;
    }
    u = &r->u[r->n++];
    u->h = nonzero(h);
    u->kind = (unsigned char)kind;
    u->stop = (unsigned char)stop;
    u->joined = (unsigned char)joined;
    r->gap = 0;
}

static void flush_word(reader *r)
{
    size_t n = r->wlen;
    int stop;

    if (!r->in_word)
        return;
    r->in_word = 0;
    if (r->digits_only) {
        memcpy(r->word, "#", 1);
        n = 1;
    }
    stop = is_stop(r->word, n, stop_words, HD_ARRAY_SIZE(stop_words));
    if (r->grams && r->ascii_only && !r->digits_only && !stop && n >= 3) {
        char b[WORD_MAX + 2];
        size_t k;

        /* "^printer$" gives "^pr", "pri", … "er$": typos and word forms still meet */
        b[0] = '^';
        memcpy(b + 1, r->word, n);
        b[n + 1] = '$';
        for (k = 0; k + 3 <= n + 2 && r->n_grams < r->max_grams; k++)
            r->grams[r->n_grams++] = nonzero(fnv(FNV_BASIS ^ 'g', b + k, 3));
    }
    if (r->ascii_only && !r->digits_only)
        n = stem(r->word, n);
    emit(r, fnv(FNV_BASIS ^ 'w', r->word, n), UNIT_LATIN, stop);
}

/*
 * Read norm[0..len) into units: Latin words and CJK characters; with
 * `grams`, the letter trigrams of the Latin words that are not stop words
 * go there too (*n_grams of them).
 */
static int read_units(const char *s, size_t len, unit *out, int max, uint64_t *grams, int *n_grams)
{
    reader r = {out, 0, max, grams, 0, grams ? MAX_GRAMS : 0, 0, {0}, 0, 0, 0, 0};
    size_t i = 0;

    while (i < len && r.n < max) {
        uint32_t cp;
        size_t n = hd_text__utf8(s + i, len - i, &cp);

        if (n == 0) {
            n = 1;
            cp = ' ';
        }
        if ((cp < 0x80 && hd_text__is_alnum((int)cp)) || is_word_cp(cp)) {
            if (!r.in_word) {
                r.in_word = 1;
                r.wlen = 0;
                r.ascii_only = 1;
                r.digits_only = 1;
            }
            if (r.wlen + n <= WORD_MAX) {
                memcpy(r.word + r.wlen, s + i, n);
                r.wlen += n;
            }
            r.ascii_only &= cp < 0x80;
            r.digits_only &= cp >= '0' && cp <= '9';
        } else if (cp == '\'' && r.in_word && i + 1 < len &&
                   hd_text__is_alnum((unsigned char)s[i + 1])) {
            /* "can't" reads as "cant" */
        } else {
            flush_word(&r);
            if (hd_text__is_cjk(cp)) {
                emit(&r, fnv(FNV_BASIS ^ 'c', s + i, n), UNIT_CJK,
                     is_stop(s + i, n, stop_cjk, HD_ARRAY_SIZE(stop_cjk)));
            } else if (is_sentence_mark(cp)) {
                r.gap = 2;
            } else if (r.gap < 1) {
                r.gap = 1;
            }
        }
        i += n;
    }
    flush_word(&r);
    if (n_grams)
        *n_grams = r.n_grams;
    return r.n;
}

static int cmp_u64(const void *x, const void *y)
{
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;

    return (a > b) - (a < b);
}

/* The distinct features: words and characters, neighbouring pairs, and `grams`. */
static int features(const unit *u, int n, const uint64_t *grams, int n_grams, uint64_t *out)
{
    int i, k = 0, j;

    for (i = 0; i < n; i++) {
        if (!u[i].stop)
            out[k++] = u[i].h;
        if (u[i].joined && i > 0)
            out[k++] = pair_hash(u[i - 1].h, u[i].h);
    }
    for (i = 0; i < n_grams; i++)
        out[k++] = grams[i];
    if (k > 1)
        qsort(out, (size_t)k, sizeof(*out), cmp_u64);
    for (i = 0, j = 0; i < k; i++)
        if (j == 0 || out[j - 1] != out[i])
            out[j++] = out[i];
    return j;
}

/* ---- language ---------------------------------------------------------- */

static hd_lang detect(const char *s, size_t len)
{
    size_t i = 0, han = 0, words = 0;
    int in_word = 0;

    while (i < len) {
        uint32_t cp;
        size_t n = hd_text__utf8(s + i, len - i, &cp);

        if (n == 0) {
            n = 1;
            cp = ' ';
        }
        if (cp < 0x80 && ((cp | 32) >= 'a' && (cp | 32) <= 'z')) {
            words += !in_word;
            in_word = 1;
        } else {
            in_word = 0;
            han += hd_text__is_han(cp);
        }
        i += n;
    }
    return han > 0 && han >= words ? HD_LANG_ZH : HD_LANG_EN;
}

/*
 * hd_lang_detect - see intent.h. Chinese when the text has at least as
 * many Han characters as Latin words ("VPN连不上", "我的Outlook打不开");
 * only the first 4 KB are read.
 */
hd_lang hd_lang_detect(const char *text)
{
    size_t len = text ? strlen(text) : 0;

    return detect(text ? text : "", len > HD_TEXT_MAX ? HD_TEXT_MAX : len);
}

/* ---- keywords ---------------------------------------------------------- */

static void add_keyword(hd_nlu *nlu, uint32_t intent, const char *text, unit *buf)
{
    int n = read_units(text, strlen(text), buf, 16, NULL, NULL), i;
    keyword *k;
    long head;

    if (n == 0)
        return;
    nlu->kw = hd_realloc(nlu->kw, (nlu->n_kw + 1) * sizeof(*nlu->kw));
    k = &nlu->kw[nlu->n_kw];
    k->intent = intent;
    k->n = (uint32_t)n;
    k->units = hd_malloc((size_t)n * sizeof(*k->units));
    for (i = 0; i < n; i++)
        k->units[i] = buf[i].h;
    head = table_get(&nlu->kw_first, buf[0].h);
    k->next = (int32_t)head;
    table_set(&nlu->kw_first, buf[0].h, (uint32_t)nlu->n_kw);
    nlu->n_kw++;
}

/* How many distinct keywords of each intent the units hold, at most NLU_KEYWORD_MAX. */
static void match_keywords(const hd_nlu *nlu, const unit *u, int n, unsigned char *hits)
{
    int32_t seen[64];
    int n_seen = 0, i, s;
    uint32_t k;

    memset(hits, 0, nlu->n_intents);
    for (i = 0; i < n; i++) {
        long idx = table_get(&nlu->kw_first, u[i].h);

        for (; idx >= 0; idx = nlu->kw[idx].next) {
            const keyword *kw = &nlu->kw[idx];

            if ((size_t)i + kw->n > (size_t)n)
                continue;
            for (k = 1; k < kw->n; k++)
                if (u[i + (int)k].h != kw->units[k] || !u[i + (int)k].joined)
                    break;
            if (k < kw->n)
                continue;
            for (s = 0; s < n_seen; s++)
                if (seen[s] == (int32_t)idx)
                    break;
            if (s < n_seen)
                continue;
            if (n_seen < (int)HD_ARRAY_SIZE(seen))
                seen[n_seen++] = (int32_t)idx;
            if (hits[kw->intent] < NLU_KEYWORD_MAX)
                hits[kw->intent]++;
        }
    }
}

/* ---- training ---------------------------------------------------------- */

/* One training example: its intent and the rows of its distinct features. */
typedef struct example {
    uint32_t intent;
    uint32_t n;
    uint32_t *rows;
    unsigned char *kw; /* keyword hits per intent */
    int is_keyword;    /* a keyword read as one more example */
    int known;         /* features the model without it knows */
} example;

/* The divisor of a message's naive Bayes scores: the temperature, grown with its length. */
static double spread(double t, double power, int known)
{
    return power > 0 && known > 1 ? t * pow(known, power) : t;
}

/*
 * The leave-one-out log loss when scores are beta * z + b * k, with z the
 * naive Bayes scores divided by known^g and k the keyword matches, and its
 * gradient and Hessian in (beta, b). It is convex in (beta, b): the scores
 * are linear in both.
 */
static double loo_loss(const example *ex, size_t n_ex, const double *loo, size_t n_intents,
                       double g, double beta, double b, double grad[2], double hess[3])
{
    double loss = 0;
    size_t e, c;

    grad[0] = grad[1] = hess[0] = hess[1] = hess[2] = 0;
    for (e = 0; e < n_ex; e++) {
        const double *z = loo + e * n_intents;
        const unsigned char *k = ex[e].kw;
        double d = spread(1, g, ex[e].known), max = -INFINITY, sum = 0;
        double ez = 0, ek = 0, ezz = 0, ezk = 0, ekk = 0, sc, p;
        size_t y = ex[e].intent;

        if (ex[e].is_keyword)
            continue;
        for (c = 0; c < n_intents; c++) {
            sc = beta * z[c] / d + b * k[c];
            if (sc > max)
                max = sc;
        }
        for (c = 0; c < n_intents; c++) {
            sc = beta * z[c] / d + b * k[c];
            if (sc - max < -30) /* e^-30 adds nothing a double can hold next to 1 */
                continue;
            p = exp(sc - max);
            sum += p;
            ez += p * z[c] / d;
            ek += p * k[c];
            ezz += p * (z[c] / d) * (z[c] / d);
            ezk += p * (z[c] / d) * k[c];
            ekk += p * k[c] * k[c];
        }
        ez /= sum;
        ek /= sum;
        loss += max + log(sum) - (beta * z[y] / d + b * k[y]);
        grad[0] += ez - z[y] / d;
        grad[1] += ek - k[y];
        hess[0] += ezz / sum - ez * ez;
        hess[1] += ezk / sum - ez * ek;
        hess[2] += ekk / sum - ek * ek;
    }
    return loss;
}

/*
 * The inverse temperature and keyword weight that minimise the loss at
 * power g, by damped Newton steps (b kept >= 0, beta > 0); returns the loss.
 */
static double fit_at(const example *ex, size_t n_ex, const double *loo, size_t n_intents, double g,
                     double *beta_out, double *b_out)
{
    double beta = 1, b = 1, grad[2], hess[3], g2[2], h2[3];
    double loss = loo_loss(ex, n_ex, loo, n_intents, g, beta, b, grad, hess);
    int iter;

    for (iter = 0; iter < 40; iter++) {
        double det, d0, d1, step = 1, nb, nbeta, nloss = loss;

        hess[0] += 1e-9;
        hess[2] += 1e-9;
        det = hess[0] * hess[2] - hess[1] * hess[1];
        if (det > 1e-12 * (hess[0] * hess[2])) {
            d0 = -(hess[2] * grad[0] - hess[1] * grad[1]) / det;
            d1 = -(hess[0] * grad[1] - hess[1] * grad[0]) / det;
        } else { /* no keyword matches anywhere: beta alone */
            d0 = -grad[0] / hess[0];
            d1 = 0;
        }
        for (; step > 1e-6; step /= 2) {
            nbeta = beta + step * d0;
            nb = b + step * d1;
            if (nbeta <= 0)
                nbeta = beta / 2;
            if (nb < 0)
                nb = 0;
            nloss = loo_loss(ex, n_ex, loo, n_intents, g, nbeta, nb, g2, h2);
            if (nloss <= loss)
                break;
        }
        if (step <= 1e-6)
            break;
        beta = nbeta;
        b = nb;
        memcpy(grad, g2, sizeof(grad));
        memcpy(hess, h2, sizeof(hess));
        if (loss - nloss < 1e-7 * (1 + loss)) {
            loss = nloss;
            break;
        }
        loss = nloss;
    }
    *beta_out = beta;
    *b_out = b;
    return loss;
}

/*
 * How scores become confidences, fitted to minimise the leave-one-out log
 * loss: each example is scored by the model trained without it (its own
 * counts taken out of its intent). Three numbers are fitted: the
 * temperature; the power of the number of known features it grows with,
 * since the naive Bayes sum grows with the length of a message while the
 * evidence does not grow as fast (words are not independent, least of all
 * a word and its letter trigrams), so that one clear word ("hi") is not
 * drowned by the temperature a long message needs; and the weight of a
 * matched keyword. Keywords read as examples are not scored: they would
 * always be right.
 */
static void calibrate(model *m, example *ex, size_t n_ex, const float *count, const double *total,
                      const uint32_t *df, size_t n_feats, size_t n_intents)
{
    double *loo = hd_calloc(n_ex * n_intents + 1, sizeof(double));
    double best = INFINITY, g, beta, b, loss;
    size_t e, c, k, scored = 0;

    m->temperature = 1;
    m->power = 0;
    m->boost = 0;
    for (e = 0; e < n_ex; e++) {
        example *x = &ex[e];
        double *row = loo + e * n_intents;
        double denom = total[x->intent] - x->n + NLU_ALPHA * (double)n_feats;

        x->known = 0;
        scored += !x->is_keyword;
        for (k = 0; k < x->n && !x->is_keyword; k++) {
            uint32_t f = x->rows[k];
            const float *lp = m->logp + (size_t)f * n_intents;

            if (df[f] <= 1)
                continue; /* seen only here: unknown to the model without it */
            x->known++;
            for (c = 0; c < n_intents; c++)
                row[c] += c == x->intent
                              ? log((count[(size_t)f * n_intents + c] - 1 + NLU_ALPHA) / denom)
                              : lp[c];
        }
    }
    for (g = 0; g <= 1 && scored > 0; g += 0.25) {
        loss = fit_at(ex, n_ex, loo, n_intents, g, &beta, &b);
        if (loss < best && beta > 0) {
            best = loss;
            m->temperature = 1 / beta;
            m->power = g;
            m->boost = b;
        }
    }
    hd_free(loo);
}

static void train(hd_nlu *nlu, model *m, hd_lang lang, scratch *sc)
{
    size_t C = nlu->n_intents, n_ex = 0, cap = 0, i, e, k, c, V;
    example *ex = NULL;
    float *count;
    double *total;
    uint32_t *df;

    table_init(&m->feats, 1024);
    for (c = 0; c < C; c++) {
        const hd_intent *it = hd_catalog_at(nlu->cat, c);
        size_t n = it->n_examples[lang];

        /* the examples, then the keywords, each one more example of its intent */
        for (i = 0; i < n + it->n_keywords[lang]; i++) {
            int nu, nf, ng = 0, j;

            hd_text__init(&sc->t, i < n ? it->examples[lang][i] : it->keywords[lang][i - n]);
            nu = read_units(sc->t.norm, sc->t.len, sc->units, MAX_UNITS,
                            lang == HD_LANG_EN ? sc->grams : NULL, &ng);
            nf = features(sc->units, nu, sc->grams, ng, sc->feats);
            if (n_ex == cap) {
                cap = cap ? cap * 2 : 256;
                ex = hd_realloc(ex, cap * sizeof(*ex));
            }
            ex[n_ex].intent = (uint32_t)c;
            ex[n_ex].is_keyword = i >= n;
            ex[n_ex].n = (uint32_t)nf;
            ex[n_ex].rows = hd_malloc(((size_t)nf + 1) * sizeof(uint32_t));
            for (j = 0; j < nf; j++)
                ex[n_ex].rows[j] = table_put(&m->feats, sc->feats[j], (uint32_t)m->feats.n);
            ex[n_ex].kw = hd_malloc(C);
            match_keywords(nlu, sc->units, nu, ex[n_ex].kw);
            n_ex++;
        }
    }
    V = m->feats.n;
    count = hd_calloc(V * C + 1, sizeof(float));
    total = hd_calloc(C, sizeof(double));
    df = hd_calloc(V + 1, sizeof(uint32_t));
    for (e = 0; e < n_ex; e++) {
        for (k = 0; k < ex[e].n; k++) {
            count[(size_t)ex[e].rows[k] * C + ex[e].intent] += 1;
            df[ex[e].rows[k]]++;
        }
        total[ex[e].intent] += ex[e].n;
    }
    m->logp = hd_malloc((V * C + 1) * sizeof(float));
    for (k = 0; k < V; k++)
        for (c = 0; c < C; c++)
            m->logp[k * C + c] =
                (float)log((count[k * C + c] + NLU_ALPHA) / (total[c] + NLU_ALPHA * (double)V));
    calibrate(m, ex, n_ex, count, total, df, V, C);

    for (e = 0; e < n_ex; e++) {
        hd_free(ex[e].rows);
        hd_free(ex[e].kw);
    }
    hd_free(ex);
    hd_free(count);
    hd_free(total);
    hd_free(df);
}

/*
 * hd_nlu_new - see intent.h. Training reads every example and keyword of
 * `cat` once; it cannot fail on a loaded catalog (allocation failure
 * aborts), and returns HD_EINVAL only for an empty one.
 */
int hd_nlu_new(hd_nlu **out, const hd_catalog *cat)
{
    hd_nlu *nlu;
    scratch *sc;
    size_t c, i;
    int l;

    *out = NULL;
    if (cat == NULL || hd_catalog_count(cat) == 0)
        return hd_error_set(HD_EINVAL, "the intent catalog is empty");
    nlu = hd_calloc(1, sizeof(*nlu));
    sc = hd_malloc(sizeof(*sc));
    nlu->cat = cat;
    nlu->n_intents = hd_catalog_count(cat);
    table_init(&nlu->kw_first, 256);
    for (c = 0; c < nlu->n_intents; c++) {
        const hd_intent *it = hd_catalog_at(cat, c);

        for (l = 0; l < HD_LANG_COUNT; l++) {
            for (i = 0; i < it->n_keywords[l]; i++) {
                hd_text__init(&sc->t, it->keywords[l][i]);
                add_keyword(nlu, (uint32_t)c, sc->t.norm, sc->units);
            }
        }
    }
    for (l = 0; l < HD_LANG_COUNT; l++)
        train(nlu, &nlu->m[l], (hd_lang)l, sc);
    hd_free(sc);
    *out = nlu;
    return 0;
}

/* hd_nlu_free - release `nlu` (not its catalog); NULL is accepted. */
void hd_nlu_free(hd_nlu *nlu)
{
    size_t i;
    int l;

    if (nlu == NULL)
        return;
    for (l = 0; l < HD_LANG_COUNT; l++) {
        table_free(&nlu->m[l].feats);
        hd_free(nlu->m[l].logp);
    }
    for (i = 0; i < nlu->n_kw; i++)
        hd_free(nlu->kw[i].units);
    hd_free(nlu->kw);
    table_free(&nlu->kw_first);
    hd_free(nlu);
}

/* ---- understanding ----------------------------------------------------- */

static void classify(const hd_nlu *nlu, scratch *sc, hd_lang lang, hd_parse *out)
{
    const model *m = &nlu->m[lang];
    size_t C = nlu->n_intents, c, k;
    double *s = hd_calloc(C, sizeof(double)), sum = 0, max, d;
    unsigned char *kw = hd_malloc(C);
    int nu, nf, ng = 0, known = 0, i, g;

    /* letter trigrams help English; in Chinese text they drown the characters */
    nu = read_units(sc->t.norm, sc->t.len, sc->units, MAX_UNITS,
                    lang == HD_LANG_EN ? sc->grams : NULL, &ng);
    nf = features(sc->units, nu, sc->grams, ng, sc->feats);
    for (i = 0; i < nf; i++) {
        long row = table_get(&m->feats, sc->feats[i]);
        const float *lp;

        if (row < 0)
            continue;
        known++;
        lp = m->logp + (size_t)row * C;
        for (c = 0; c < C; c++)
            s[c] += lp[c];
    }
    match_keywords(nlu, sc->units, nu, kw);
    max = -INFINITY;
    d = spread(m->temperature, m->power, known);
    for (c = 0; c < C; c++) {
        s[c] = s[c] / d + m->boost * kw[c];
        if (s[c] > max)
            max = s[c];
    }
    for (c = 0; c < C; c++) {
        s[c] = exp(s[c] - max);
        sum += s[c];
    }
    out->n_guesses = (int)(C < HD_NLU_GUESSES ? C : HD_NLU_GUESSES);
    for (g = 0; g < out->n_guesses; g++) {
        size_t best = C;

        for (c = 0; c < C; c++) {
            for (k = 0; k < (size_t)g; k++)
                if (out->guesses[k].intent == hd_catalog_at(nlu->cat, c))
                    break;
            if (k == (size_t)g && (best == C || s[c] > s[best]))
                best = c;
        }
        out->guesses[g].intent = hd_catalog_at(nlu->cat, best);
        out->guesses[g].confidence = s[best] / sum;
    }
    hd_free(s);
    hd_free(kw);
}

/* The slots of the best guess's intent: enum and pattern ones, and built-ins by their own names. */
static void intent_slots(const hd_intent *it, const hd_text *t, hd_parse *out)
{
    size_t i;

    for (i = 0; it && i < it->n_slots; i++) {
        const hd_slot_def *def = &it->slots[i];
        const char *builtin = hd_slots__builtin_name(def->type), *v;
        char *value = NULL;

        if (def->type == HD_SLOT_ENUM || def->type == HD_SLOT_PATTERN) {
            if (hd_slots__extract(def, t, &value))
                hd_slots__add(out, def->name, value);
        } else if (builtin && strcmp(builtin, def->name) != 0 &&
                   (v = hd_parse_slot(out, builtin)) != NULL) {
            hd_slots__add(out, def->name, hd_strdup(v));
        }
    }
}

/*
 * hd_nlu_parse - see intent.h. `out` is overwritten (clear it first if it
 * held slots). With a NULL model only the language and slots are read.
 */
void hd_nlu_parse(const hd_nlu *nlu, const char *text, hd_parse *out)
{
    scratch *sc = hd_malloc(sizeof(*sc));

    memset(out, 0, sizeof(*out));
    hd_text__init(&sc->t, text);
    out->lang = detect(sc->t.norm, sc->t.len);
    if (nlu != NULL)
        classify(nlu, sc, out->lang, out);
    hd_slots__builtin(&sc->t, out);
    if (out->n_guesses > 0)
        intent_slots(out->guesses[0].intent, &sc->t, out);
    hd_free(sc);
}

/* hd_parse_clear - free the slots of `p` and empty it; NULL is accepted. */
void hd_parse_clear(hd_parse *p)
{
    int i;

    if (p == NULL)
        return;
    for (i = 0; i < p->n_slots && i < HD_NLU_MAX_SLOTS; i++) {
        hd_free(p->slots[i].name);
        hd_free(p->slots[i].value);
    }
    memset(p, 0, sizeof(*p));
}

/* hd_parse_slot - see intent.h: borrowed from `p` until hd_parse_clear(). */
const char *hd_parse_slot(const hd_parse *p, const char *name)
{
    int i;

    for (i = 0; p && name && i < p->n_slots; i++)
        if (strcmp(p->slots[i].name, name) == 0)
            return p->slots[i].value;
    return NULL;
}
