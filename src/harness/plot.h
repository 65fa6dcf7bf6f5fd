/* plot.h - the figures of a results file (docs/figures.md):
 *   grad_through_time  ||dL/dh_t|| against t, first and last logged step
 *   grad_heatmap       log10 ||dL/dh_t|| over training step x timestep
 *   grad_depth_time    log10 ||dL/dh_t^l|| over layer x timestep, first and
 *                      last logged step (only where a run has two or more layers)
 *   training_curves    held-out loss, mean and min-max over seeds, baseline
 *   grad_norm          gradient norm before clipping, threshold, clipped steps
 *   w_hh_spectrum      spectral radius and largest singular value of W_hh
 *   length_sweep       final loss / baseline and solved fraction against T
 * Within a figure, colour is the cell and a panel the clip mode; every other
 * key that varies in the file (task, hidden, lr, ...) makes a figure of its
 * own, named STEM-KEY=VALUE-... . The figures of one layer's numbers
 * (grad_through_time, grad_heatmap, w_hh_spectrum) draw each run's top
 * layer, or the layer plot_options asks for (STEM_lN-...). Each figure
 * leaves STEM.tsv (what it drew), STEM.gp (the script that drew it) and
 * STEM.FMT per format. */
#ifndef RNB_PLOT_H
#define RNB_PLOT_H

#include <stdio.h>

#include "plot_runs.h"

/* plot_options.layer: a layer (0 the bottom) or one of these. */
enum { PLOT_LAYER_TOP = -1, PLOT_LAYER_ALL = -2 };

typedef struct {
    const char *dir;        /* where the figures go: made if missing, its parent must exist */
    const char *formats;    /* space-separated: png svg pdf */
    const char *gnuplot;    /* from gnuplot_find */
    FILE *log;              /* a line per figure made or skipped; NULL: quiet */
    int layer;              /* of the per-layer figures: PLOT_LAYER_TOP (each run's), _ALL, or one */
} plot_options;

/* Draws every figure into a hidden temporary folder in dir and moves them
 * into dir only when all are made: on failure nothing is left (not dir
 * either, if this made it). RNB_EINVAL for a layer no run has, or a dir
 * that cannot be made; RNB_EIO when a file cannot be written or gnuplot
 * fails. */
int plot_all(const plot_runs *p, const plot_options *o, int *made, char *err);

#endif
