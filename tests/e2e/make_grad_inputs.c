/* make_grad_inputs.c - writes the inputs of the cli_errors test into a
 * folder: one well-formed `rnnbench grad` input and one file for each way
 * an input can be wrong, each named for its fault. */
#include <hdf5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "h5io.h"
#include "status.h"

enum { T = 3, B = 2, I = 2, H = 3, G = 4 };

typedef enum { GOOD, NO_DY, BAD_SHAPE, BAD_CELL, NO_CELL, INT_X, T_MISMATCH, BAD_H0 } fault;

static void write_case(const char *dir, const char *name, fault f)
{
    char path[1024], err[RNB_ERRLEN];
    snprintf(path, sizeof path, "%s/%s.h5", dir, name);
    h5file *h;
    if (h5io_create(&h, path, err)) {
        fprintf(stderr, "%s\n", err);
        exit(1);
    }
    real buf[256];
    for (int k = 0; k < 256; k++)
        buf[k] = (real)(0.01 * (k % 17) - 0.08);
    const long wih[] = {G * H, I}, whh[] = {G * H, f == BAD_SHAPE ? H + 1 : H}, b[] = {G * H},
               x[] = {T, B, I}, dy[] = {f == T_MISMATCH ? T + 1 : T, B, H},
               h0[] = {B, f == BAD_H0 ? H + 2 : H};
    if (f != NO_CELL)
        h5io_set_attr_str(h, "/", "cell", f == BAD_CELL ? "transformer" : "lstm", err);
    h5io_write_real(h, "weight_ih_l0", 2, wih, buf, err);
    h5io_write_real(h, "weight_hh_l0", 2, whh, buf, err);
    h5io_write_real(h, "bias_ih_l0", 1, b, buf, err);
    h5io_write_real(h, "bias_hh_l0", 1, b, buf, err);
    h5io_write_real(h, "h0", 2, h0, buf, err);
    if (f != NO_DY)
        h5io_write_real(h, "dy", 3, dy, buf, err);
    if (f != INT_X)
        h5io_write_real(h, "x", 3, x, buf, err);
    if (h5io_commit(h, path, err)) {
        fprintf(stderr, "%s\n", err);
        exit(1);
    }
    if (f == INT_X) {       /* integers: h5io writes floating point only */
        hid_t id = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
        hsize_t dims[] = {T, B, I};
        int ints[T * B * I] = {0};
        hid_t space = H5Screate_simple(3, dims, NULL);
        hid_t d = H5Dcreate2(id, "x", H5T_STD_I32LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        H5Dwrite(d, H5T_NATIVE_INT, H5S_ALL, H5S_ALL, H5P_DEFAULT, ints);
        H5Dclose(d), H5Sclose(space), H5Fclose(id);
    }
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: make_grad_inputs DIR\n");
        return 2;
    }
    const char *dir = argv[1];
    write_case(dir, "good", GOOD);
    write_case(dir, "no_dy", NO_DY);
    write_case(dir, "bad_shape", BAD_SHAPE);
    write_case(dir, "bad_cell", BAD_CELL);
    write_case(dir, "no_cell", NO_CELL);
    write_case(dir, "int_x", INT_X);
    write_case(dir, "t_mismatch", T_MISMATCH);
    write_case(dir, "bad_h0", BAD_H0);
    char path[1024];
    snprintf(path, sizeof path, "%s/not_hdf5.h5", dir);
    FILE *fp = fopen(path, "w");
    fputs("this is not an HDF5 file\n", fp);
    fclose(fp);
    return 0;
}
