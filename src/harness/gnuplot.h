/* gnuplot.h - every contact of rnnbench with gnuplot. A figure is its data
 * (a TSV the caller wrote into dir), a few variables, and a template of
 * plots/ (built into the executable); this module writes the script that
 * joins them (standalone: `cd dir && gnuplot STEM.gp` redraws it) and runs
 * gnuplot on it. */
#ifndef RNB_GNUPLOT_H
#define RNB_GNUPLOT_H

#include <stddef.h>

/* The text of template name (plots/NAME.gp), or NULL. */
const char *plot_template(const char *name);

/* The variables a template reads, as gnuplot assignments. */
typedef struct {
    char *text;
    size_t len, cap;
    int nomem;
} gp_vars;

void gp_str(gp_vars *v, const char *name, const char *value);
void gp_num(gp_vars *v, const char *name, double value);
void gp_raw(gp_vars *v, const char *line);     /* a definition as it stands */
void gp_vars_free(gp_vars *v);

/* The gnuplot executable on PATH, into path; RNB_EINVAL when there is none. */
int gnuplot_find(char *path, size_t n, char *err);

typedef struct {
    const char *gnuplot;    /* from gnuplot_find */
    const char *dir;        /* where the data is and the script and images go */
    const char *stem;       /* STEM.gp draws STEM.FMT for each format */
    const char *tpl;        /* template name in plots/ */
    const char *formats;    /* "png svg pdf", any of them */
    const char *header;     /* comment lines saying where the data came from */
} gp_figure;

/* Writes dir/STEM.gp (the header, the variables, the data file's name,
 * plots/style.gp and the template) and runs gnuplot on it in dir. When
 * gnuplot fails, its images are removed and err holds its first error. */
int gnuplot_draw(const gp_figure *fig, const gp_vars *vars, char *err);

#endif
