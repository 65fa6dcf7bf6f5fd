#include "h5io.h"

#include <hdf5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static int open_file(h5file **out, const char *path, bool create, char *err)
{
    quiet();
    *out = NULL;
    h5file *f = calloc(1, sizeof *f);
    if (!f)
        return rnb_error(err, RNB_ENOMEM, "%s: out of memory", path);
    snprintf(f->path, sizeof f->path, "%s", path);
    if (create) {
        f->id = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
        if (f->id < 0) {
            free(f);
            return rnb_error(err, RNB_EINVAL, "%s: cannot create the file", path);
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

/* H5Lexists on each prefix, so that "a/b/c" with no "a" says no, not error. */
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

int h5io_read_attr_string(h5file *f, const char *name, char *buf, size_t n, char *err)
{
    if (H5Aexists(f->id, name) <= 0)
        return rnb_error(err, RNB_EINVAL, "%s: root attribute '%s' is missing", f->path, name);
    hid_t a = H5Aopen(f->id, name, H5P_DEFAULT);
    hid_t t = H5Aget_type(a);
    int rc = RNB_OK;
    if (H5Tget_class(t) != H5T_STRING) {
        rc = rnb_error(err, RNB_EINVAL, "%s: root attribute '%s' is not a string", f->path, name);
    } else if (H5Tis_variable_str(t) > 0) {
        hid_t mt = H5Tcopy(H5T_C_S1);
        H5Tset_size(mt, H5T_VARIABLE);
        H5Tset_cset(mt, H5Tget_cset(t));   /* h5py writes UTF-8; HDF5 won't convert */
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

int h5io_write_attr_string(h5file *f, const char *name, const char *value, char *err)
{
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, strlen(value) + 1);
    H5Tset_strpad(t, H5T_STR_NULLTERM);
    hid_t space = H5Screate(H5S_SCALAR);
    hid_t a = H5Acreate2(f->id, name, t, space, H5P_DEFAULT, H5P_DEFAULT);
    herr_t rc = a < 0 ? -1 : H5Awrite(a, t, value);
    if (a >= 0)
        H5Aclose(a);
    H5Sclose(space);
    H5Tclose(t);
    if (rc < 0)
        return rnb_error(err, RNB_EINVAL, "%s: cannot write attribute '%s'", f->path, name);
    return RNB_OK;
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

int h5io_shape(h5file *f, const char *name, int *rank, long dims[H5IO_MAXRANK], char *err)
{
    hid_t d = open_float(f, name, err);
    if (d < 0)
        return RNB_EINVAL;
    hid_t space = H5Dget_space(d);
    int r = H5Sget_simple_extent_ndims(space);
    int rc = RNB_OK;
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

static int write_dataset(h5file *f, const char *name, int rank, const long *dims,
                         hid_t type, const void *buf, char *err)
{
    hsize_t h[H5IO_MAXRANK];
    for (int i = 0; i < rank; i++)
        h[i] = (hsize_t)dims[i];
    hid_t space = H5Screate_simple(rank, h, NULL);
    hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
    H5Pset_create_intermediate_group(lcpl, 1);
    hid_t d = H5Dcreate2(f->id, name, type, space, lcpl, H5P_DEFAULT, H5P_DEFAULT);
    herr_t rc = d < 0 ? -1 : H5Dwrite(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf);
    if (d >= 0)
        H5Dclose(d);
    H5Pclose(lcpl);
    H5Sclose(space);
    if (rc < 0)
        return rnb_error(err, RNB_EINVAL, "%s: cannot write dataset '%s'", f->path, name);
    return RNB_OK;
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
