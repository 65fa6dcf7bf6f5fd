#include "gnuplot.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "status.h"

static void append(gp_vars *v, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int need = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (v->nomem || need < 0)
        return;
    if (v->len + need + 1 > v->cap) {
        size_t cap = 2 * (v->len + need + 1) + 256;
        char *t = realloc(v->text, cap);
        if (!t) {
            v->nomem = 1;
            return;
        }
        v->text = t, v->cap = cap;
    }
    va_start(ap, fmt);
    vsnprintf(v->text + v->len, need + 1, fmt, ap);
    va_end(ap);
    v->len += need;
}

/* A gnuplot double-quoted string: backslash and quote escaped. */
void gp_str(gp_vars *v, const char *name, const char *value)
{
    append(v, "%s = \"", name);
    for (const char *s = value; *s; s++)
        append(v, "%s%c", (*s == '"' || *s == '\\') ? "\\" : "", *s);
    append(v, "\"\n");
}

void gp_num(gp_vars *v, const char *name, double value)
{
    if (isnan(value))
        append(v, "%s = NaN\n", name);
    else
        append(v, "%s = %.17g\n", name, value);
}

void gp_raw(gp_vars *v, const char *line) { append(v, "%s\n", line); }

void gp_vars_free(gp_vars *v)
{
    free(v->text);
    memset(v, 0, sizeof *v);
}

int gnuplot_find(char *path, size_t n, char *err)
{
    const char *env = getenv("PATH");
    for (const char *dir = env ? env : ""; *dir;) {
        size_t len = strcspn(dir, ":");
        snprintf(path, n, "%.*s/gnuplot", (int)len, len ? dir : ".");
        if (access(path, X_OK) == 0)
            return RNB_OK;
        dir += len + (dir[len] == ':');
    }
    return rnb_error(err, RNB_EINVAL, "gnuplot is not on PATH (Debian: apt-get install gnuplot-nox)");
}

static int write_script(const gp_figure *fig, const gp_vars *vars, char *err)
{
    const char *style = plot_template("style"), *body = plot_template(fig->tpl);
    if (!style || !body)
        return rnb_error(err, RNB_EINVAL, "no template plots/%s.gp built in", fig->tpl);
    char path[4096], tmp[4200];
    snprintf(path, sizeof path, "%s/%s.gp", fig->dir, fig->stem);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f)
        return rnb_error(err, RNB_EIO, "%s: %s", tmp, strerror(errno));
    fprintf(f, "%s# Redraw: gnuplot %s.gp (in this folder). The style is plots/style.gp\n"
               "# and the figure plots/%s.gp of the rnnbench sources, copied below.\n\n",
            fig->header, fig->stem, fig->tpl);
    fprintf(f, "# ---- what this figure shows (written by rnnbench plot) ----\n");
    fprintf(f, "data = \"%s.tsv\"\noutput = \"%s\"\nformats = \"%s\"\n%s\n", fig->stem, fig->stem,
            fig->formats, vars->text ? vars->text : "");
    fprintf(f, "# ---- plots/style.gp ----\n%s\n# ---- plots/%s.gp ----\n%s", style, fig->tpl, body);
    int bad = ferror(f);
    if (fclose(f) || bad) {
        remove(tmp);
        return rnb_error(err, RNB_EIO, "%s: cannot write", tmp);
    }
    if (rename(tmp, path)) {
        remove(tmp);
        return rnb_error(err, RNB_EIO, "%s: %s", path, strerror(errno));
    }
    return RNB_OK;
}

static void remove_images(const gp_figure *fig)
{
    char fmts[64], path[4200];
    snprintf(fmts, sizeof fmts, "%s", fig->formats);
    for (char *save, *f = strtok_r(fmts, " ", &save); f; f = strtok_r(NULL, " ", &save)) {
        snprintf(path, sizeof path, "%s/%s.%s", fig->dir, fig->stem, f);
        remove(path);
    }
}

/* Runs gnuplot STEM.gp in dir; its stderr into err's first error line. */
static int run_gnuplot(const gp_figure *fig, char *err)
{
    int pipefd[2];
    if (pipe(pipefd))
        return rnb_error(err, RNB_EIO, "pipe: %s", strerror(errno));
    char script[512];
    snprintf(script, sizeof script, "%s.gp", fig->stem);
    pid_t pid = fork();
    if (pid < 0) {
        close(pipefd[0]), close(pipefd[1]);
        return rnb_error(err, RNB_EIO, "fork: %s", strerror(errno));
    }
    if (pid == 0) {
        int null = open("/dev/null", O_RDWR);
        dup2(null, STDIN_FILENO), dup2(null, STDOUT_FILENO), dup2(pipefd[1], STDERR_FILENO);
        close(pipefd[0]);
        if (chdir(fig->dir) == 0)
            execl(fig->gnuplot, "gnuplot", script, (char *)NULL);
        _exit(127);
    }
    close(pipefd[1]);
    /* gnuplot's messages: keep the first line that says error, else the last */
    char msg[RNB_ERRLEN] = "", line[RNB_ERRLEN];
    FILE *in = fdopen(pipefd[0], "r");
    while (in && fgets(line, sizeof line, in)) {
        line[strcspn(line, "\n")] = '\0';
        if (!strstr(msg, "rror") && line[strspn(line, " ^")])
            snprintf(msg, sizeof msg, "%s", line + strspn(line, " "));
    }
    if (in)
        fclose(in);
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return RNB_OK;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
        return rnb_error(err, RNB_EIO, "cannot run %s in %s", fig->gnuplot, fig->dir);
    return rnb_error(err, RNB_EIO, "gnuplot failed on %s/%s: %s", fig->dir, script, msg[0] ? msg : "(no message)");
}

int gnuplot_draw(const gp_figure *fig, const gp_vars *vars, char *err)
{
    if (vars->nomem)
        return rnb_error(err, RNB_ENOMEM, "out of memory");
    int rc = write_script(fig, vars, err);
    if (!rc && (rc = run_gnuplot(fig, err)))
        remove_images(fig);
    return rc;
}
