/*
 * bm25_given: FTS5's bm25 ranking, with each phrase's document count given by the caller.
 *
 * FTS5's own bm25() finds how many rows hold each phrase of the query (its IDF) by walking
 * the phrase's whole list of documents, once per query: 9 to 40 ms for a common word at 10^6
 * documents, whatever number of rows is ranked (docs/PERFORMANCE.md, "Search at 10^6"). This
 * function computes the same score with the same formula, from counts the caller already
 * knows (app/queries/search_rank.py keeps them per dataset version):
 *
 *     bm25_given(index, w_0, ..., w_{C-1}, n_0, ..., n_{P-1})
 *
 * w_c is the weight of column c (C = the index's columns, all required), n_p the number of
 * rows that hold phrase p (P = the query's phrases). A count that is missing or NULL is
 * counted here, as bm25() counts it. The score is bm25()'s (https://sqlite.org/fts5.html,
 * "The bm25() function"): negative, better when lower, with k1 = 1.2 and b = 0.75, and an IDF
 * of 1e-6 for a phrase in more than half of the rows.
 *
 * The module links the process's libsqlite3 and registers the function for every connection
 * opened after install() (sqlite3_auto_extension), so that Python's own sqlite3 driver can
 * call it without loading extensions.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <sqlite3.h>
#include <string.h>

#define FUNCTION_NAME "bm25_given"
#define K1 1.2
#define B 0.75

typedef struct {
    int phrases;
    double average_length; /* tokens per row, over the index */
    double *idf;           /* per phrase */
    double *frequency;     /* per phrase, for the current row */
} QueryStats;

static int count_row(const Fts5ExtensionApi *api, Fts5Context *fts, void *user) {
    (void)api;
    (void)fts;
    (*(sqlite3_int64 *)user)++;
    return SQLITE_OK;
}

static int query_stats(
    const Fts5ExtensionApi *api, Fts5Context *fts, int given, sqlite3_value **counts,
    QueryStats **out) {
    QueryStats *stats = (QueryStats *)api->xGetAuxdata(fts, 0);
    if (stats != NULL) {
        *out = stats;
        return SQLITE_OK;
    }
    int phrases = api->xPhraseCount(fts);
    sqlite3_int64 rows = 0, tokens = 0;
    int rc = api->xRowCount(fts, &rows);
    if (rc == SQLITE_OK) rc = api->xColumnTotalSize(fts, -1, &tokens);
    if (rc != SQLITE_OK) return rc;
    stats = sqlite3_malloc64(sizeof(QueryStats) + (sqlite3_uint64)phrases * 2 * sizeof(double));
    if (stats == NULL) return SQLITE_NOMEM;
    memset(stats, 0, sizeof(QueryStats) + (size_t)phrases * 2 * sizeof(double));
    stats->phrases = phrases;
    stats->idf = (double *)&stats[1];
    stats->frequency = &stats->idf[phrases];
    stats->average_length = rows > 0 ? (double)tokens / (double)rows : 0.0;
    for (int p = 0; rc == SQLITE_OK && p < phrases; p++) {
        sqlite3_int64 holding = 0;
        if (p < given && sqlite3_value_type(counts[p]) != SQLITE_NULL) {
            holding = sqlite3_value_int64(counts[p]);
        } else {
            rc = api->xQueryPhrase(fts, p, &holding, count_row);
        }
        double idf = log(((double)rows - (double)holding + 0.5) / ((double)holding + 0.5));
        stats->idf[p] = idf <= 0.0 ? 1e-6 : idf;
    }
    if (rc == SQLITE_OK) rc = api->xSetAuxdata(fts, stats, sqlite3_free);
    else sqlite3_free(stats);
    if (rc == SQLITE_OK) *out = stats;
    return rc;
}

static void bm25_given(
    const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx, int nargs,
    sqlite3_value **args) {
    int columns = api->xColumnCount(fts);
    if (nargs < columns) {
        sqlite3_result_error(ctx, FUNCTION_NAME ": one weight for each column is required", -1);
        return;
    }
    QueryStats *stats = NULL;
    int rc = query_stats(api, fts, nargs - columns, args + columns, &stats);
    int instances = 0;
    if (rc == SQLITE_OK) {
        memset(stats->frequency, 0, sizeof(double) * (size_t)stats->phrases);
        rc = api->xInstCount(fts, &instances);
    }
    for (int i = 0; rc == SQLITE_OK && i < instances; i++) {
        int phrase, column, offset;
        rc = api->xInst(fts, i, &phrase, &column, &offset);
        if (rc == SQLITE_OK) stats->frequency[phrase] += sqlite3_value_double(args[column]);
    }
    int length = 0;
    if (rc == SQLITE_OK) rc = api->xColumnSize(fts, -1, &length);
    if (rc != SQLITE_OK) {
        sqlite3_result_error_code(ctx, rc);
        return;
    }
    double score = 0.0;
    for (int p = 0; p < stats->phrases; p++) {
        double f = stats->frequency[p];
        score += stats->idf[p] *
                 ((f * (K1 + 1.0)) / (f + K1 * (1 - B + B * (double)length / stats->average_length)));
    }
    sqlite3_result_double(ctx, -1.0 * score);
}

/* The FTS5 API of a connection (https://sqlite.org/fts5.html, "Extending FTS5"). */
static fts5_api *fts5_of(sqlite3 *db) {
    fts5_api *api = NULL;
    sqlite3_stmt *stmt = NULL;
    if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &stmt, NULL) == SQLITE_OK) {
        sqlite3_bind_pointer(stmt, 1, (void *)&api, "fts5_api_ptr", NULL);
        sqlite3_step(stmt);
    }
    sqlite3_finalize(stmt);
    return api;
}

static int on_open(sqlite3 *db, char **error, const void *thunk) {
    (void)error;
    (void)thunk;
    fts5_api *fts5 = fts5_of(db);
    if (fts5 == NULL || fts5->iVersion < 2) return SQLITE_OK; /* no FTS5: nothing to add */
    return fts5->xCreateFunction(fts5, FUNCTION_NAME, NULL, bm25_given, NULL);
}

static PyObject *install(PyObject *self, PyObject *unused) {
    (void)self;
    (void)unused;
    if (sqlite3_auto_extension((void (*)(void))on_open) != SQLITE_OK) {
        PyErr_SetString(PyExc_RuntimeError, "sqlite3_auto_extension failed");
        return NULL;
    }
    return PyUnicode_FromString(FUNCTION_NAME);
}

static PyMethodDef methods[] = {
    {"install", install, METH_NOARGS,
     "Register " FUNCTION_NAME " for every SQLite connection opened from now on; returns its "
     "name."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "app.native.fts5rank",
    "FTS5's bm25 with each phrase's document count given (see the C source).", -1, methods,
    NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit_fts5rank(void) { return PyModule_Create(&module); }
