/* fsync (POSIX), with C11 strict: */
#define _POSIX_C_SOURCE 200809L
#include "h5io.h"

#include <errno.h>
#include <fcntl.h>
#include <hdf5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "status.h"

struct h5file {
    hid_t id;
    char path[4096];
};

#ifdef RNB_DOUBLE
#define H5T_NATIVE_REAL H5T_NATIVE_DOUBLE
#else
#define H5T_NATIVE_REAL H5T_NATIVE_FLOAT
#endif

static void quiet(void) { H5Eset_auto2(H5E_DEFAULT, NULL, NULL); }

/* A file being written lives in memory (HDF5's core driver, no backing
 * store) and reaches the disk in one write at h5io_commit. HDF5 1.10 does
 * not survive a failed write to disk: H5Fclose fails half-way, and the
 * library then crashes at exit closing the file again (seen with a full
 * disk). Writing the image ourselves keeps the system's reason (errno)
 * and leaves HDF5 out of every disk failure. */
static hid_t create_in_memory(const char *path)
{
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    if (fapl < 0)
        return -1;
    hid_t id = H5Pset_fapl_core(fapl, (size_t)1 << 20, 0) < 0
                   ? -1 : H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
    H5Pclose(fapl);
    return id;
}

static int open_file(h5file **out, const char *path, bool create, char *err)
{
    quiet();
    *out = NULL;
    h5file *f = calloc(1, sizeof *f);
    if (!f)
        return rnb_error(err, RNB_ENOMEM, "%s: out of memory", path);
    snprintf(f->path, sizeof f->path, "%s", path);
    if (create) {
        f->id = create_in_memory(path);
        if (f->id < 0) {
            free(f);
            return rnb_error(err, RNB_ENOMEM, "%s: cannot make the file in memory", path);
        }
    } else {
        FILE *probe = fopen(path, "rb");
        if (!probe) {
            free(f);
            return rnb_error(err, RNB_EINVAL, "%s: cannot open the file", path);
        }
        fclose(probe);
        if (H5Fis_hdf5(path) <= 0) {
            free(f);
            return rnb_error(err, RNB_EINVAL, "%s: not an HDF5 file", path);
        }
        f->id = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
        if (f->id < 0) {
            free(f);
            return rnb_error(err, RNB_EINVAL, "%s: cannot open as HDF5", path);
        }
    }
    *out = f;
    return RNB_OK;
}

int h5io_open_read(h5file **f, const char *path, char *err)
{
    return open_file(f, path, false, err);
}

int h5io_create(h5file **f, const char *path, char *err)
{
    return open_file(f, path, true, err);
}

int h5io_close(h5file *f, char *err)
{
    if (!f)
        return RNB_OK;
    herr_t rc = H5Fclose(f->id);
    int out = rc < 0 ? rnb_error(err, RNB_EINVAL, "%s: error closing the file", f->path) : RNB_OK;
    free(f);
    return out;
}

/* n bytes to path, created or truncated, then fsync'd (so that a full
 * disk or a failing network file system says so here, not later). */
static int write_whole(const char *path, const void *buf, size_t n)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0666);
    if (fd < 0)
        return errno;
    const char *p = buf;
    for (size_t done = 0; done < n;) {
        ssize_t w = write(fd, p + done, n - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            int e = w < 0 ? errno : EIO;
            close(fd);
            return e;
        }
        done += (size_t)w;
    }
    if (fsync(fd) != 0) {
        int e = errno;
        close(fd);
        return e;
    }
    return close(fd) != 0 ? errno : 0;
}

int h5io_commit(h5file *f, const char *dest, char *err)
{
    ssize_t n = H5Fflush(f->id, H5F_SCOPE_GLOBAL) < 0 ? -1 : H5Fget_file_image(f->id, NULL, 0);
    void *image = n > 0 ? malloc((size_t)n) : NULL;
    int rc = RNB_OK;
    if (n <= 0)
        rc = rnb_error(err, RNB_EIO, "%s: cannot make the file's image", dest);
    else if (!image)
        rc = rnb_error(err, RNB_ENOMEM, "%s: out of memory for the file's %zd bytes", dest, n);
    else if (H5Fget_file_image(f->id, image, (size_t)n) != n)
        rc = rnb_error(err, RNB_EIO, "%s: cannot make the file's image", dest);
    H5Fclose(f->id);    /* in memory: nothing to fail */
    int e = rc ? 0 : write_whole(f->path, image, (size_t)n);
    if (!rc && !e && strcmp(f->path, dest) != 0 && rename(f->path, dest) != 0)
        e = errno;
    if (e)
        rc = rnb_error(err, RNB_EIO, "%s: cannot write: %s", dest, strerror(e));
    if (rc)
        unlink(f->path);
    free(image);
    free(f);
    return rc;
}

/* H5Lexists on each prefix, so that "a/b/c" with no "a" says no, not error. */
const char *h5io_path(const h5file *f) { return f->path; }

bool h5io_exists(h5file *f, const char *name)
{
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", name);
    for (char *p = buf;; p++) {
        if (*p == '/' || *p == '\0') {
            char c = *p;
            *p = '\0';
            if (p != buf && H5Lexists(f->id, buf, H5P_DEFAULT) <= 0)
                return false;
            if (c == '\0')
                return true;
            *p = c;
        }
    }
}

static const char *class_name(H5T_class_t c)
{
    switch (c) {
    case H5T_INTEGER: return "integer";
    case H5T_FLOAT: return "floating-point";
    case H5T_STRING: return "string";
    case H5T_COMPOUND: return "compound";
    default: return "non-numeric";
    }
}

/* Opens a floating-point dataset; its id, or an error naming it. */
static hid_t open_float(h5file *f, const char *name, char *err)
{
    if (!h5io_exists(f, name)) {
        rnb_error(err, RNB_EINVAL, "%s: dataset '%s' is missing", f->path, name);
        return -1;
    }
    H5O_info_t info;
    if (H5Oget_info_by_name(f->id, name, &info, H5P_DEFAULT) < 0 || info.type != H5O_TYPE_DATASET) {
        rnb_error(err, RNB_EINVAL, "%s: '%s' is not a dataset", f->path, name);
        return -1;
    }
    hid_t d = H5Dopen2(f->id, name, H5P_DEFAULT);
    if (d < 0) {
        rnb_error(err, RNB_EINVAL, "%s: cannot open dataset '%s'", f->path, name);
        return -1;
    }
    hid_t t = H5Dget_type(d);
    H5T_class_t c = H5Tget_class(t);
    H5Tclose(t);
    if (c != H5T_FLOAT) {
        H5Dclose(d);
        rnb_error(err, RNB_EINVAL, "%s: dataset '%s' is %s, expected float32 or float64",
                  f->path, name, class_name(c));
        return -1;
    }
    return d;
}

/* The shape of open dataset d (named name, for messages); closes d. */
static int shape_and_close(h5file *f, hid_t d, const char *name, int *rank,
                           long dims[H5IO_MAXRANK], char *err)
{
    hid_t space = H5Dget_space(d);
    int r = H5Sget_simple_extent_ndims(space), rc = RNB_OK;
    if (r < 0 || r > H5IO_MAXRANK) {
        rc = rnb_error(err, RNB_EINVAL, "%s: dataset '%s' has an unsupported rank", f->path, name);
    } else {
        hsize_t h[H5IO_MAXRANK];
        H5Sget_simple_extent_dims(space, h, NULL);
        *rank = r;
        for (int i = 0; i < r; i++)
            dims[i] = (long)h[i];
    }
    H5Sclose(space);
    H5Dclose(d);
    return rc;
}

int h5io_shape(h5file *f, const char *name, int *rank, long dims[H5IO_MAXRANK], char *err)
{
    hid_t d = open_float(f, name, err);
    if (d < 0)
        return RNB_EINVAL;
    return shape_and_close(f, d, name, rank, dims, err);
}

int h5io_read_real(h5file *f, const char *name, real *buf, char *err)
{
    hid_t d = open_float(f, name, err);
    if (d < 0)
        return RNB_EINVAL;
    herr_t rc = H5Dread(d, H5T_NATIVE_REAL, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf);
    H5Dclose(d);
    if (rc < 0)
        return rnb_error(err, RNB_EINVAL, "%s: cannot read dataset '%s'", f->path, name);
    return RNB_OK;
}

/* Creates dataset name (groups on the way made) in space with creation
 * properties dcpl, and writes buf whole. */
static int create_and_write(h5file *f, const char *name, hid_t space, hid_t dcpl, hid_t type,
                            const void *buf, char *err)
{
    hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
    H5Pset_create_intermediate_group(lcpl, 1);
    hid_t d = H5Dcreate2(f->id, name, type, space, lcpl, dcpl, H5P_DEFAULT);
    herr_t rc = d < 0 ? -1 : H5Dwrite(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf);
    if (d >= 0)
        H5Dclose(d);
    H5Pclose(lcpl);
    if (rc < 0)
        return rnb_error(err, RNB_EINVAL, "%s: cannot write dataset '%s'", f->path, name);
    return RNB_OK;
}

static int write_dataset(h5file *f, const char *name, int rank, const long *dims,
                         hid_t type, const void *buf, char *err)
{
    hsize_t h[H5IO_MAXRANK];
    for (int i = 0; i < rank; i++)
        h[i] = (hsize_t)dims[i];
    hid_t space = H5Screate_simple(rank, h, NULL);
    int rc = create_and_write(f, name, space, H5P_DEFAULT, type, buf, err);
    H5Sclose(space);
    return rc;
}

int h5io_write_real(h5file *f, const char *name, int rank, const long *dims,
                    const real *buf, char *err)
{
    return write_dataset(f, name, rank, dims, H5T_NATIVE_REAL, buf, err);
}

int h5io_write_double(h5file *f, const char *name, int rank, const long *dims,
                      const double *buf, char *err)
{
    return write_dataset(f, name, rank, dims, H5T_NATIVE_DOUBLE, buf, err);
}

/* ---- attributes on any object ---- */

/* n values: a scalar attribute when n is 0, else a 1-D one of n. */
static int set_attr_n(h5file *f, const char *obj, const char *name, hid_t type,
                      const void *value, hsize_t n, char *err)
{
    if (H5Aexists_by_name(f->id, obj, name, H5P_DEFAULT) > 0)
        H5Adelete_by_name(f->id, obj, name, H5P_DEFAULT);
    hid_t space = n ? H5Screate_simple(1, &n, NULL) : H5Screate(H5S_SCALAR);
    hid_t a = H5Acreate_by_name(f->id, obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    herr_t rc = a < 0 ? -1 : H5Awrite(a, type, value);
    if (a >= 0)
        H5Aclose(a);
    H5Sclose(space);
    if (rc < 0)
        return rnb_error(err, RNB_EINVAL, "%s: cannot write attribute '%s' of '%s'", f->path, name, obj);
    return RNB_OK;
}

static int set_attr(h5file *f, const char *obj, const char *name, hid_t type,
                    const void *value, char *err)
{
    return set_attr_n(f, obj, name, type, value, 0, err);
}

/* Variable-length UTF-8, as h5py writes strings, so that h5py reads them
 * back as str. */
static int set_attr_strs(h5file *f, const char *obj, const char *name,
                         const char *const *values, hsize_t n, char *err)
{
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, H5T_VARIABLE);
    H5Tset_cset(t, H5T_CSET_UTF8);
    int rc = set_attr_n(f, obj, name, t, values, n, err);
    H5Tclose(t);
    return rc;
}

int h5io_set_attr_str(h5file *f, const char *obj, const char *name, const char *value, char *err)
{
    return set_attr_strs(f, obj, name, &value, 0, err);
}

int h5io_set_attr_str_list(h5file *f, const char *obj, const char *name,
                           const char *const *values, int n, char *err)
{
    return set_attr_strs(f, obj, name, values, (hsize_t)n, err);
}

int h5io_set_attr_double(h5file *f, const char *obj, const char *name, double value, char *err)
{
    return set_attr(f, obj, name, H5T_NATIVE_DOUBLE, &value, err);
}

int h5io_set_attr_long(h5file *f, const char *obj, const char *name, long value, char *err)
{
    return set_attr(f, obj, name, H5T_NATIVE_LONG, &value, err);
}

int h5io_set_attr_u64(h5file *f, const char *obj, const char *name, unsigned long long value, char *err)
{
    return set_attr(f, obj, name, H5T_NATIVE_ULLONG, &value, err);
}

static hid_t open_attr(h5file *f, const char *obj, const char *name, char *err)
{
    if (!h5io_exists(f, obj) && strcmp(obj, "/") != 0) {
        rnb_error(err, RNB_EINVAL, "%s: '%s' is missing", f->path, obj);
        return -1;
    }
    if (H5Aexists_by_name(f->id, obj, name, H5P_DEFAULT) <= 0) {
        if (strcmp(obj, "/") == 0)
            rnb_error(err, RNB_EINVAL, "%s: root attribute '%s' is missing", f->path, name);
        else
            rnb_error(err, RNB_EINVAL, "%s: attribute '%s' of '%s' is missing", f->path, name, obj);
        return -1;
    }
    return H5Aopen_by_name(f->id, obj, name, H5P_DEFAULT, H5P_DEFAULT);
}

bool h5io_has_attr(h5file *f, const char *obj, const char *name)
{
    return (h5io_exists(f, obj) || strcmp(obj, "/") == 0) &&
           H5Aexists_by_name(f->id, obj, name, H5P_DEFAULT) > 0;
}

int h5io_get_attr_str(h5file *f, const char *obj, const char *name, char *buf, size_t n, char *err)
{
    hid_t a = open_attr(f, obj, name, err);
    if (a < 0)
        return RNB_EINVAL;
    hid_t t = H5Aget_type(a);
    int rc = RNB_OK;
    if (H5Tget_class(t) != H5T_STRING) {
        rc = rnb_error(err, RNB_EINVAL, "%s: attribute '%s' of '%s' is not a string", f->path, name, obj);
    } else if (H5Tis_variable_str(t) > 0) {
        hid_t mt = H5Tcopy(H5T_C_S1);
        H5Tset_size(mt, H5T_VARIABLE);
        H5Tset_cset(mt, H5Tget_cset(t));
        char *s = NULL;
        if (H5Aread(a, mt, &s) < 0 || !s)
            rc = rnb_error(err, RNB_EINVAL, "%s: cannot read attribute '%s'", f->path, name);
        else
            snprintf(buf, n, "%s", s);
        if (s) {
            hid_t space = H5Aget_space(a);
            H5Dvlen_reclaim(mt, space, H5P_DEFAULT, &s);
            H5Sclose(space);
        }
        H5Tclose(mt);
    } else {
        size_t size = H5Tget_size(t);
        char *s = calloc(size + 1, 1);
        hid_t mt = H5Tcopy(H5T_C_S1);
        H5Tset_size(mt, size + 1);
        H5Tset_cset(mt, H5Tget_cset(t));
        if (!s || H5Aread(a, mt, s) < 0)
            rc = rnb_error(err, RNB_EINVAL, "%s: cannot read attribute '%s'", f->path, name);
        else
            snprintf(buf, n, "%s", s);
        H5Tclose(mt);
        free(s);
    }
    H5Tclose(t);
    H5Aclose(a);
    return rc;
}

/* The cnt strings of attribute a (file type t, variable- or fixed-length)
 * into out (cnt rows of len chars), each shorter than len and not empty. */
static int read_str_rows(const char *name, hid_t a, hid_t t, hid_t space, hssize_t cnt,
                         char *out, size_t len, char *err)
{
    const bool var = H5Tis_variable_str(t) > 0;
    const size_t size = var ? sizeof(char *) : H5Tget_size(t) + 1;   /* + 1: room for a NUL */
    hid_t mt = H5Tcopy(H5T_C_S1);
    char *buf = calloc((size_t)cnt, size);
    int rc = RNB_OK;
    bool got = false;   /* read: variable-length strings are then HDF5's to free */
    if (mt < 0 || !buf)
        rc = rnb_error(err, RNB_ENOMEM, "out of memory");
    else if (H5Tset_size(mt, var ? H5T_VARIABLE : size) < 0 || H5Tset_cset(mt, H5Tget_cset(t)) < 0 ||
             H5Aread(a, mt, buf) < 0)
        rc = rnb_error(err, RNB_EINVAL, "cannot read attribute '%s'", name);
    else
        got = true;
    for (hssize_t i = 0; !rc && i < cnt; i++) {
        const char *v = var ? ((char **)buf)[i] : buf + i * size;
        if (!v || !*v || strlen(v) >= len)
            rc = rnb_error(err, RNB_EINVAL, "attribute '%s'[%lld] is %s", name, (long long)i,
                           !v || !*v ? "empty" : "too long");
        else
            snprintf(out + (size_t)i * len, len, "%s", v);
    }
    if (got && var)
        H5Dvlen_reclaim(mt, space, H5P_DEFAULT, buf);
    if (mt >= 0)
        H5Tclose(mt);
    free(buf);
    return rc;
}

int h5io_get_attr_str_list(h5file *f, const char *obj, const char *name, size_t len,
                           char **out, int *n, char *err)
{
    *out = NULL, *n = 0;
    hid_t a = open_attr(f, obj, name, err);
    if (a < 0)
        return RNB_EINVAL;
    hid_t t = H5Aget_type(a), space = H5Aget_space(a);
    hssize_t cnt = space < 0 ? -1 : H5Sget_simple_extent_npoints(space);
    int rc;
    if (t < 0 || space < 0)
        rc = rnb_error(err, RNB_EINVAL, "cannot read attribute '%s'", name);
    else if (H5Tget_class(t) != H5T_STRING || H5Sget_simple_extent_ndims(space) != 1)
        rc = rnb_error(err, RNB_EINVAL, "attribute '%s' is not a 1-D list of strings", name);
    else if (cnt < 1)
        rc = rnb_error(err, RNB_EINVAL, "attribute '%s' is empty", name);
    else if (!(*out = calloc((size_t)cnt, len)))
        rc = rnb_error(err, RNB_ENOMEM, "out of memory");
    else
        rc = read_str_rows(name, a, t, space, cnt, *out, len, err);
    if (rc) {
        free(*out);
        *out = NULL;
    } else {
        *n = (int)cnt;
    }
    if (space >= 0)
        H5Sclose(space);
    if (t >= 0)
        H5Tclose(t);
    H5Aclose(a);
    return rc;
}

static int get_attr_num(h5file *f, const char *obj, const char *name, hid_t mt, void *out, char *err)
{
    hid_t a = open_attr(f, obj, name, err);
    if (a < 0)
        return RNB_EINVAL;
    hid_t t = H5Aget_type(a), space = H5Aget_space(a);
    H5T_class_t c = H5Tget_class(t);
    /* one value: an array would be read past out */
    bool one = space >= 0 && H5Sget_simple_extent_npoints(space) == 1;
    herr_t rc = one && (c == H5T_INTEGER || c == H5T_FLOAT) ? H5Aread(a, mt, out) : -1;
    if (space >= 0)
        H5Sclose(space);
    H5Tclose(t);
    H5Aclose(a);
    if (!one)
        return rnb_error(err, RNB_EINVAL, "%s: attribute '%s' of '%s' is not one number", f->path, name, obj);
    if (rc < 0)
        return rnb_error(err, RNB_EINVAL, "%s: attribute '%s' of '%s' is not a number", f->path, name, obj);
    return RNB_OK;
}

int h5io_get_attr_double(h5file *f, const char *obj, const char *name, double *value, char *err)
{
    return get_attr_num(f, obj, name, H5T_NATIVE_DOUBLE, value, err);
}

int h5io_get_attr_long(h5file *f, const char *obj, const char *name, long *value, char *err)
{
    return get_attr_num(f, obj, name, H5T_NATIVE_LONG, value, err);
}

int h5io_get_attr_u64(h5file *f, const char *obj, const char *name, unsigned long long *value, char *err)
{
    return get_attr_num(f, obj, name, H5T_NATIVE_ULLONG, value, err);
}

/* ---- series ---- */

static int write_series(h5file *f, const char *name, int rank, const long *dims,
                        hid_t type, const void *buf, char *err)
{
    hsize_t h[H5IO_MAXRANK], maxd[H5IO_MAXRANK], chunk[H5IO_MAXRANK];
    size_t row = 1;
    for (int i = 0; i < rank; i++) {
        h[i] = (hsize_t)dims[i];
        maxd[i] = i == 0 ? H5S_UNLIMITED : h[i];
        if (i > 0)
            row *= dims[i] ? (size_t)dims[i] : 1;
    }
    /* About 64 KiB of values a chunk: whole rows, at least one. */
    size_t rows = (8192 + row - 1) / row;
    if (rows > (size_t)dims[0])
        rows = (size_t)dims[0];
    chunk[0] = rows < 1 ? 1 : rows;
    for (int i = 1; i < rank; i++)
        chunk[i] = h[i] ? h[i] : 1;
    hid_t space = H5Screate_simple(rank, h, maxd);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_chunk(dcpl, rank, chunk);
    H5Pset_shuffle(dcpl);
    H5Pset_deflate(dcpl, 4);
    int rc = create_and_write(f, name, space, dcpl, type, buf, err);
    H5Pclose(dcpl);
    H5Sclose(space);
    return rc;
}

int h5io_write_series_double(h5file *f, const char *name, int rank, const long *dims,
                             const double *buf, char *err)
{
    return write_series(f, name, rank, dims, H5T_NATIVE_DOUBLE, buf, err);
}

int h5io_write_series_long(h5file *f, const char *name, int rank, const long *dims,
                           const long *buf, char *err)
{
    return write_series(f, name, rank, dims, H5T_NATIVE_LONG, buf, err);
}

int h5io_shape_any(h5file *f, const char *name, int *rank, long dims[H5IO_MAXRANK], char *err)
{
    if (!h5io_exists(f, name))
        return rnb_error(err, RNB_EINVAL, "%s: dataset '%s' is missing", f->path, name);
    hid_t d = H5Dopen2(f->id, name, H5P_DEFAULT);
    if (d < 0)
        return rnb_error(err, RNB_EINVAL, "%s: '%s' is not a dataset", f->path, name);
    return shape_and_close(f, d, name, rank, dims, err);
}

int h5io_info(h5file *f, const char *name, h5io_class *cls, int *rank, long dims[H5IO_MAXRANK], char *err)
{
    if (!h5io_exists(f, name))
        return rnb_error(err, RNB_EINVAL, "%s: dataset '%s' is missing", f->path, name);
    H5O_info_t info;
    if (H5Oget_info_by_name(f->id, name, &info, H5P_DEFAULT) < 0 || info.type != H5O_TYPE_DATASET)
        return rnb_error(err, RNB_EINVAL, "%s: '%s' is not a dataset", f->path, name);
    hid_t d = H5Dopen2(f->id, name, H5P_DEFAULT);
    if (d < 0)
        return rnb_error(err, RNB_EINVAL, "%s: cannot open dataset '%s'", f->path, name);
    hid_t t = H5Dget_type(d);
    H5T_class_t c = H5Tget_class(t);
    H5Tclose(t);
    *cls = c == H5T_FLOAT ? H5IO_FLOAT : c == H5T_INTEGER ? H5IO_INTEGER : H5IO_OTHER;
    return shape_and_close(f, d, name, rank, dims, err);
}

/* Reads dataset name whole, converted to type. */
static int read_as(h5file *f, const char *name, hid_t type, void *buf, char *err)
{
    hid_t d = H5Dopen2(f->id, name, H5P_DEFAULT);
    herr_t rc = d < 0 ? -1 : H5Dread(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf);
    if (d >= 0)
        H5Dclose(d);
    if (rc < 0)
        return rnb_error(err, RNB_EINVAL, "%s: cannot read dataset '%s'", f->path, name);
    return RNB_OK;
}

int h5io_read_double(h5file *f, const char *name, double *buf, char *err)
{
    return read_as(f, name, H5T_NATIVE_DOUBLE, buf, err);
}

int h5io_read_long(h5file *f, const char *name, long *buf, char *err)
{
    return read_as(f, name, H5T_NATIVE_LONG, buf, err);
}

int h5io_write_bytes(h5file *f, const char *name, const void *buf, size_t n, char *err)
{
    const long dims[] = {(long)n};
    return write_series(f, name, 1, dims, H5T_NATIVE_UCHAR, buf, err);
}

/* The class a reader's type needs, and its HDF5 memory type. */
static h5io_class class_of(h5io_as as) { return as == H5IO_AS_DOUBLE ? H5IO_FLOAT : H5IO_INTEGER; }
static hid_t type_of(h5io_as as)
{
    return as == H5IO_AS_DOUBLE ? H5T_NATIVE_DOUBLE : as == H5IO_AS_LONG ? H5T_NATIVE_LONG : H5T_NATIVE_UCHAR;
}

int h5io_read_exact(h5file *f, const char *name, h5io_as as, int rank, const long *dims, void *buf,
                    char *err)
{
    h5io_class cls = H5IO_OTHER;
    int r = 0;
    long d[H5IO_MAXRANK];
    int rc = h5io_info(f, name, &cls, &r, d, err);
    if (rc)
        return rc;
    bool fits = cls == class_of(as) && r == rank;
    for (int i = 0; i < rank && fits; i++)
        fits = d[i] == dims[i];
    if (!fits)
        return rnb_error(err, RNB_EINVAL, "%s: dataset '%s' is not of the type and shape its reader needs",
                         f->path, name);
    return read_as(f, name, type_of(as), buf, err);
}

int h5io_read_bytes(h5file *f, const char *name, void *buf, size_t n, char *err)
{
    const long dims[] = {(long)n};
    return h5io_read_exact(f, name, H5IO_AS_BYTES, 1, dims, buf, err);
}

int h5io_copy(h5file *src, const char *src_path, h5file *dst, const char *dst_path, char *err)
{
    hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
    H5Pset_create_intermediate_group(lcpl, 1);
    herr_t rc = H5Ocopy(src->id, src_path, dst->id, dst_path, H5P_DEFAULT, lcpl);
    H5Pclose(lcpl);
    if (rc < 0)
        return rnb_error(err, RNB_EINVAL, "cannot copy %s:%s to %s:%s", src->path, src_path,
                         dst->path, dst_path);
    return RNB_OK;
}

typedef struct {
    void (*fn)(const char *name, void *ctx);
    void *ctx;
} list_ctx;

static herr_t list_one(hid_t g, const char *name, const H5L_info_t *info, void *data)
{
    (void)g, (void)info;
    list_ctx *c = data;
    c->fn(name, c->ctx);
    return 0;
}

int h5io_list(h5file *f, const char *group, void (*fn)(const char *name, void *ctx),
              void *ctx, char *err)
{
    if (!h5io_exists(f, group))
        return rnb_error(err, RNB_EINVAL, "%s: group '%s' is missing", f->path, group);
    hid_t g = H5Gopen2(f->id, group, H5P_DEFAULT);
    if (g < 0)
        return rnb_error(err, RNB_EINVAL, "%s: '%s' is not a group", f->path, group);
    list_ctx c = {fn, ctx};
    herr_t rc = H5Literate(g, H5_INDEX_NAME, H5_ITER_INC, NULL, list_one, &c);
    H5Gclose(g);
    if (rc < 0)
        return rnb_error(err, RNB_EINVAL, "%s: cannot list '%s'", f->path, group);
    return RNB_OK;
}
