/*
 * snippetcut: PostgreSQL's snippets cut from stored word places, as app/queries/search_snippet.py
 * cuts them in Python (`cut`), and answering the same (tests/test_search_snippet.py compares the
 * two on the seed and on generated texts). The rule, and every constant of it, is the Python
 * module's: it hands them over once, through configure().
 *
 *     configure(max_words, word, open, close, delimiter)
 *     cut(whole: str, packed: bytes, found: list[int]) -> str
 *
 * `packed` is a document's `spans` as stored (migration 0019): each place's character offset,
 * then each place's length (negative for a whole whose parts follow), 4-byte big-endian
 * integers. `found` is the places of the query's words, ascending: place * word + the word's
 * number in the query. Cutting in Python cost the API about 12 microseconds a document, a tenth
 * of its time a search at 10^6 documents (docs/PERFORMANCE.md).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

static long MAX_WORDS = 0;
static long WORD = 0;
static PyObject *OPEN = NULL, *CLOSE = NULL, *DELIMITER = NULL, *EMPTY = NULL;
static long *STAMP = NULL;   /* one per word number: the last generation that saw it */
static long GENERATION = 0; /* the GIL is held throughout: one caller at a time */

typedef struct {
    long distinct, matches; /* the score: compared in this order */
    long first, last;       /* places */
} Run;

typedef struct {
    const unsigned char *bytes;
    long count; /* places */
} Spans;

static long span_at(const Spans *s, long i) { /* the i-th integer (0-based) */
    const unsigned char *p = s->bytes + 4 * i;
    return (long)(int32_t)(((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
                           ((uint32_t)p[2] << 8) | (uint32_t)p[3]);
}
static long start_of(const Spans *s, long place) { return span_at(s, place - 1); }
static long length_of(const Spans *s, long place) { return span_at(s, s->count + place - 1); }

/* The best run among places[lo:hi] (at least one): the most distinct words, then the most
 * matches, then the earliest. */
static Run best_run(const long *places, const long *words, long lo, long hi) {
    Run best = {0, 0, 0, 0};
    long end = lo;
    for (long i = lo; i < hi; i++) {
        long limit = places[i] + MAX_WORDS;
        while (end < hi && places[end] < limit) end++;
        long distinct = 0;
        GENERATION++;
        for (long k = i; k < end; k++) {
            if (STAMP[words[k]] != GENERATION) {
                STAMP[words[k]] = GENERATION;
                distinct++;
            }
        }
        long matches = end - i;
        if (distinct > best.distinct || (distinct == best.distinct && matches > best.matches)) {
            best.distinct = distinct;
            best.matches = matches;
            best.first = places[i];
            best.last = places[end - 1];
        }
    }
    return best;
}

static void placed(long first, long last, long low, long high, long *begin, long *end) {
    long b = first - (MAX_WORDS - (last - first + 1)) / 2;
    /* Python's // floors: the numerator may be negative when the run is longer than the words */
    if ((MAX_WORDS - (last - first + 1)) < 0 && (MAX_WORDS - (last - first + 1)) % 2 != 0) b++;
    if (b < low) b = low;
    long e = b + MAX_WORDS - 1;
    if (e > high) e = high;
    b = e - MAX_WORDS + 1;
    if (b < low) b = low;
    *begin = b;
    *end = e;
}

static int append_slice(PyObject *pieces, PyObject *whole, long from, long to) {
    Py_ssize_t length = PyUnicode_GET_LENGTH(whole);
    if (from < 0) from = 0;
    if (to < 0) to = 0;
    if (from > length) from = length;
    if (to > length) to = length;
    PyObject *piece = (to > from) ? PyUnicode_Substring(whole, from, to) : Py_NewRef(EMPTY);
    if (piece == NULL) return -1;
    int failed = PyList_Append(pieces, piece);
    Py_DECREF(piece);
    return failed;
}

/* The text from place `begin` to place `end`, each match marked (a whole is not: its parts are). */
static PyObject *marked(PyObject *whole, const Spans *s, const long *places, long n, long begin,
                        long end) {
    long at = start_of(s, begin);
    long last_length = length_of(s, end);
    long stop = start_of(s, end) + (last_length < 0 ? -last_length : last_length);
    PyObject *pieces = PyList_New(0);
    if (pieces == NULL) return NULL;
    long mark_from = -1, mark_to = -1;
    for (long k = 0; k < n; k++) {
        long place = places[k];
        if (place < begin) continue;
        if (place > end) break;
        long length = length_of(s, place);
        if (length < 0) continue;
        long a = start_of(s, place), b = a + length;
        if (a < mark_to) {
            if (b > mark_to) mark_to = b;
            continue;
        }
        if (mark_to >= 0) {
            if (append_slice(pieces, whole, at, mark_from) || PyList_Append(pieces, OPEN) ||
                append_slice(pieces, whole, mark_from, mark_to) || PyList_Append(pieces, CLOSE))
                goto fail;
            at = mark_to;
        }
        mark_from = a;
        mark_to = b;
    }
    if (mark_to >= 0) {
        if (append_slice(pieces, whole, at, mark_from) || PyList_Append(pieces, OPEN) ||
            append_slice(pieces, whole, mark_from, mark_to) || PyList_Append(pieces, CLOSE))
            goto fail;
        at = mark_to;
    }
    if (append_slice(pieces, whole, at, stop)) goto fail;
    PyObject *joined = PyUnicode_Join(EMPTY, pieces);
    Py_DECREF(pieces);
    return joined;
fail:
    Py_DECREF(pieces);
    return NULL;
}

static PyObject *cut(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    (void)module;
    if (nargs != 3 || !PyUnicode_Check(args[0]) || !PyBytes_Check(args[1])) {
        PyErr_SetString(PyExc_TypeError, "cut(whole: str, packed: bytes, found: list[int])");
        return NULL;
    }
    if (OPEN == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "snippetcut.configure() was not called");
        return NULL;
    }
    PyObject *whole = args[0];
    Spans s = {(const unsigned char *)PyBytes_AS_STRING(args[1]), PyBytes_GET_SIZE(args[1]) / 8};
    if (s.count == 0) return Py_NewRef(EMPTY);
    PyObject *found = PySequence_Fast(args[2], "found must be a sequence");
    if (found == NULL) return NULL;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(found);
    PyObject *result = NULL;
    long *places = NULL, *words = NULL;
    if (n == 0) {
        result = marked(whole, &s, NULL, 0, 1, s.count < MAX_WORDS ? s.count : MAX_WORDS);
        goto done;
    }
    places = PyMem_Malloc(sizeof(long) * n);
    words = PyMem_Malloc(sizeof(long) * n);
    if (places == NULL || words == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        long f = PyLong_AsLong(PySequence_Fast_GET_ITEM(found, i));
        if (f == -1 && PyErr_Occurred()) goto done;
        if (f < 0) {
            PyErr_SetString(PyExc_ValueError, "found holds a negative place");
            goto done;
        }
        places[i] = f / WORD;
        words[i] = f % WORD;
        if (places[i] < 1 || places[i] > s.count) {
            PyErr_SetString(PyExc_ValueError, "found holds a place beyond spans");
            goto done;
        }
    }
    Run first = best_run(places, words, 0, n);
    long begins[2], ends[2], fragments = 1;
    placed(first.first, first.last, 1, s.count, &begins[0], &ends[0]);
    long before = 0, after = 0; /* bisect_left(places, begin), bisect_right(places, end) */
    while (before < n && places[before] < begins[0]) before++;
    after = before;
    while (after < n && places[after] <= ends[0]) after++;
    int have = 0;
    Run second = {0, 0, 0, 0};
    long low = 0, high = 0;
    if (before > 0) {
        second = best_run(places, words, 0, before);
        low = 1;
        high = begins[0] - 1;
        have = 1;
    }
    if (after < n) {
        Run later = best_run(places, words, after, n);
        if (!have || later.distinct > second.distinct ||
            (later.distinct == second.distinct && later.matches > second.matches)) {
            second = later;
            low = ends[0] + 1;
            high = s.count;
        }
        have = 1;
    }
    if (have) {
        placed(second.first, second.last, low, high, &begins[1], &ends[1]);
        fragments = 2;
        if (begins[1] < begins[0]) {
            long b = begins[0], e = ends[0];
            begins[0] = begins[1];
            ends[0] = ends[1];
            begins[1] = b;
            ends[1] = e;
        }
    }
    PyObject *parts = PyList_New(fragments);
    if (parts == NULL) goto done;
    for (long k = 0; k < fragments; k++) {
        PyObject *text = marked(whole, &s, places, n, begins[k], ends[k]);
        if (text == NULL) {
            Py_DECREF(parts);
            goto done;
        }
        PyList_SET_ITEM(parts, k, text);
    }
    result = PyUnicode_Join(DELIMITER, parts);
    Py_DECREF(parts);
done:
    PyMem_Free(places);
    PyMem_Free(words);
    Py_DECREF(found);
    return result;
}

static PyObject *configure(PyObject *module, PyObject *args) {
    (void)module;
    long max_words, word;
    PyObject *open, *close, *delimiter;
    if (!PyArg_ParseTuple(args, "llUUU", &max_words, &word, &open, &close, &delimiter))
        return NULL;
    if (max_words < 1 || word < 1) {
        PyErr_SetString(PyExc_ValueError, "max_words and word must be positive");
        return NULL;
    }
    long *stamp = PyMem_Calloc(word, sizeof(long));
    if (stamp == NULL) return PyErr_NoMemory();
    PyMem_Free(STAMP);
    STAMP = stamp;
    MAX_WORDS = max_words;
    WORD = word;
    Py_XSETREF(OPEN, Py_NewRef(open));
    Py_XSETREF(CLOSE, Py_NewRef(close));
    Py_XSETREF(DELIMITER, Py_NewRef(delimiter));
    if (EMPTY == NULL) EMPTY = PyUnicode_FromStringAndSize("", 0);
    if (EMPTY == NULL) return NULL;
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"configure", configure, METH_VARARGS, "Hand over the rule's constants."},
    {"cut", (PyCFunction)(void (*)(void))cut, METH_FASTCALL, "A document's snippet."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, .m_name = "snippetcut", .m_size = -1, .m_methods = methods};

PyMODINIT_FUNC PyInit_snippetcut(void) { return PyModule_Create(&module); }
