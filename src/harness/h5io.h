/* h5io.h - every HDF5 call of rnnbench lives behind this interface.
 * Errors come back as a status and one line in err naming the file and the
 * dataset; HDF5's own error stack printing is switched off. */
#ifndef RNB_H5IO_H
#define RNB_H5IO_H

#include <stdbool.h>
#include <stddef.h>

#include "real.h"

typedef struct h5file h5file;

enum { H5IO_MAXRANK = 4 };

int h5io_open_read(h5file **f, const char *path, char *err);
/* A new file, in memory until h5io_commit writes it to path; h5io_close
 * instead writes nothing. */
int h5io_create(h5file **f, const char *path, char *err);
/* Writes a created file to its path, then renames it to dest (dest may be
 * its path): dest is whole or untouched. On failure (RNB_EIO, err naming
 * dest and the system's reason, "No space left on device") the file at
 * path is removed. Closes f in every case. */
int h5io_commit(h5file *f, const char *dest, char *err);
int h5io_close(h5file *f, char *err);

bool h5io_exists(h5file *f, const char *name);
/* The path f was opened or created with, for messages. */
const char *h5io_path(const h5file *f);

/* The shape of a floating-point dataset; anything else is an error. */
int h5io_shape(h5file *f, const char *name, int *rank, long dims[H5IO_MAXRANK], char *err);
/* Reads a floating-point dataset whole, converted to real. */
int h5io_read_real(h5file *f, const char *name, real *buf, char *err);
/* Writes a dataset (intermediate groups created), as real or as double. */
int h5io_write_real(h5file *f, const char *name, int rank, const long *dims,
                    const real *buf, char *err);
int h5io_write_double(h5file *f, const char *name, int rank, const long *dims,
                      const double *buf, char *err);

/* ---- the results file's needs ---- */

/* Attributes of the object at obj ("/" for the root). */
int h5io_set_attr_str(h5file *f, const char *obj, const char *name, const char *value, char *err);
/* A 1-D attribute of n variable-length strings (h5py: a list of str). */
int h5io_set_attr_str_list(h5file *f, const char *obj, const char *name,
                           const char *const *values, int n, char *err);
int h5io_set_attr_double(h5file *f, const char *obj, const char *name, double value, char *err);
int h5io_set_attr_long(h5file *f, const char *obj, const char *name, long value, char *err);
int h5io_set_attr_u64(h5file *f, const char *obj, const char *name, unsigned long long value, char *err);
bool h5io_has_attr(h5file *f, const char *obj, const char *name);
int h5io_get_attr_str(h5file *f, const char *obj, const char *name, char *buf, size_t n, char *err);
/* A 1-D attribute of strings (variable- or fixed-length, as h5py or
 * rnnbench wrote it): *n of them into *out, a new array (free() it) of *n
 * rows of len chars; a string empty or not shorter than len is an error.
 * Unlike the other readers, err says what is wrong, not where (no file
 * or object): its caller, which knows what the attribute is, does. */
int h5io_get_attr_str_list(h5file *f, const char *obj, const char *name, size_t len,
                           char **out, int *n, char *err);
int h5io_get_attr_double(h5file *f, const char *obj, const char *name, double *value, char *err);
int h5io_get_attr_long(h5file *f, const char *obj, const char *name, long *value, char *err);
int h5io_get_attr_u64(h5file *f, const char *obj, const char *name, unsigned long long *value, char *err);

/* A chunked, compressed (shuffle + deflate) dataset whose first dimension
 * is extendable, written whole in one call. */
int h5io_write_series_double(h5file *f, const char *name, int rank, const long *dims,
                             const double *buf, char *err);
int h5io_write_series_long(h5file *f, const char *name, int rank, const long *dims,
                           const long *buf, char *err);
/* n bytes as a 1-D dataset of uint8, and back: RNB_EINVAL naming the
 * dataset when it is missing or does not hold exactly n. */
int h5io_write_bytes(h5file *f, const char *name, const void *buf, size_t n, char *err);
int h5io_read_bytes(h5file *f, const char *name, void *buf, size_t n, char *err);
/* What a dataset holds, for readers that check a file before using it. */
typedef enum { H5IO_FLOAT, H5IO_INTEGER, H5IO_OTHER } h5io_class;
/* The class and shape of dataset name; RNB_EINVAL naming it when it is
 * missing or not a dataset. */
int h5io_info(h5file *f, const char *name, h5io_class *cls, int *rank, long dims[H5IO_MAXRANK], char *err);
/* Shape of any numeric dataset; reads converted to double or long. */
int h5io_shape_any(h5file *f, const char *name, int *rank, long dims[H5IO_MAXRANK], char *err);
int h5io_read_double(h5file *f, const char *name, double *buf, char *err);
int h5io_read_long(h5file *f, const char *name, long *buf, char *err);
/* Dataset name read whole into buf as `as`, only when its class (float for
 * double, integer otherwise) and its shape are rank x dims: RNB_EINVAL
 * naming it otherwise, buf untouched. */
typedef enum { H5IO_AS_DOUBLE, H5IO_AS_LONG, H5IO_AS_BYTES } h5io_as;
int h5io_read_exact(h5file *f, const char *name, h5io_as as, int rank, const long *dims, void *buf,
                    char *err);

/* Copies the object at src_path of src into dst at dst_path (groups made). */
int h5io_copy(h5file *src, const char *src_path, h5file *dst, const char *dst_path, char *err);
/* Names of the links in a group, in name order: calls fn for each. */
int h5io_list(h5file *f, const char *group, void (*fn)(const char *name, void *ctx),
              void *ctx, char *err);

#endif
