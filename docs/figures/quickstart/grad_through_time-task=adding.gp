# grad_through_time-task=adding.gp - drawn by rnnbench plot from results/quickstart.h5 (experiment quickstart)
# Data: grad_through_time-task=adding.tsv (tab-separated, a header row).
# Redraw: gnuplot grad_through_time-task=adding.gp (in this folder). The style is plots/style.gp
# and the figure plots/grad_through_time.gp of the rnnbench sources, copied below.

# ---- what this figure shows (written by rnnbench plot) ----
data = "grad_through_time-task=adding.tsv"
output = "grad_through_time-task=adding"
formats = "png"
title = "quickstart: gradient reaching each timestep (adding, T = 30; seed 1)"
layer_note = ""
cells = "rnn_tanh lstm gru"
clips = "none norm:1"
cell_label(c) = c eq "rnn_tanh" ? "rnn_tanh" : c eq "lstm" ? "lstm" : c eq "gru" ? "gru" : c
clip_note(k) = ""
L = 30
ymin = -37
ymax = -0
ytic = 10

# ---- plots/style.gp ----
# style.gp - the house style of every rnnbench figure: fonts, sizes, colours
# and line dashes. `rnnbench plot` copies it into each figure's script, so
# a script runs on its own; change it here and rebuild to restyle them all.

font_name = "DejaVu Sans"
panel_px_w = 600; panel_px_h = 440      # png, svg: one panel, in pixels
panel_in_w = 3.6; panel_in_h = 2.7      # pdf: one panel, in inches
title_px = 44; title_in = 0.3           # room for the figure's title

min_cols = 1.3                          # a one-panel figure is a little wider: its title fits

# The terminal for a format, sized for cols x rows panels (rows may have a
# fraction: room for a key below them).
terminal(fmt, cols, rows) = \
    fmt eq "png" ? sprintf("pngcairo size %d,%d font '%s,11' linewidth 1.4 enhanced", \
                           int((cols < min_cols ? min_cols : cols) * panel_px_w), int(rows * panel_px_h + title_px), font_name) : \
    fmt eq "svg" ? sprintf("svg size %d,%d font '%s,11' linewidth 1.4 enhanced background '#ffffff'", \
                           int((cols < min_cols ? min_cols : cols) * panel_px_w), int(rows * panel_px_h + title_px), font_name) : \
    fmt eq "pdf" ? sprintf("pdfcairo size %.2fin,%.2fin font '%s,7' linewidth 1 enhanced", \
                           (cols < min_cols ? min_cols : cols) * panel_in_w, rows * panel_in_h + title_in, font_name) : \
    "unknown"

# With more than 4 lines a legend inside a panel hides data: it goes below
# the first panel instead, and every panel keeps the same bottom margin so
# that the panels stay alike. key_rows: the panel height it adds.
key_below(n) = n > 4
key_rows(n) = key_below(n) ? 0.3 : 0
# Usage in a figure: eval key_place(words(cells), "top right")
key_place(n, inside) = key_below(n) ? \
    "set bmargin 11; set key at graph 0.5, -0.19 center top horizontal maxrows 5 width -2 samplen 2" : \
    "set bmargin; set key " . inside

# A cell keeps its colour in every figure (Okabe and Ito's colour-blind-safe
# palette first, then Paul Tol's); cells not listed are grey.
cell_names  = "rnn_tanh rnn_relu lstm gru lstm_peephole lstm_cifg lstm_nfg gru_cho mgu indrnn mingru minlstm cornn"
cell_colors = "#D55E00 #E69F00 #0072B2 #009E73 #56B4E9 #CC79A7 #000000 #117733 #882255 #44AA99 #AA4499 #332288 #DDCC77"
cell_index(c) = sum [i = 1:words(cell_names)] (word(cell_names, i) eq c ? i : 0)
cell_color(c) = cell_index(c) ? word(cell_colors, cell_index(c)) : "#777777"

# A clip mode's dash, by its place in the figure's list: solid, dashed, dotted, ...
clip_dash(k) = k

set datafile separator "\t"
set datafile missing "NaN"
set border 3 back lc rgb "#404040"
set tics nomirror out scale 0.6
set grid xtics ytics back lc rgb "#e6e6e6" lw 0.6 dt 1
set key noenhanced samplen 2.5 spacing 1.1 opaque box lc rgb "#ffffff"
set style fill transparent solid 0.18 noborder
# Row filter: the value of column col when the row's cell and clip are c and k.
pick(col, c, k) = (strcol("cell") eq c && strcol("clip") eq k) ? column(col) : NaN
positive(v) = (v > 0 && v < 1e300) ? v : NaN
# a finite number (log10 values: -inf for a zero norm), else NaN
finite(v) = (v == v && v > -1e300 && v < 1e300) ? v : NaN

# ---- plots/grad_through_time.gp ----
# grad_through_time.gp - the vanishing picture: ||dL/dh_t|| against the
# timestep t, one line per cell, at the first logged training step (dashed)
# and the last (solid); one panel per clip mode; one layer of each run (the
# top unless rnnbench plot --layer says otherwise).
# From rnnbench: data (columns run cell clip seed layer phase step t dh_norm
# dh_log10), output, formats, title, cells, clips, cell_label(c),
# clip_note(k), layer_note (", layer 0 (bottom)", "" for one-layer runs),
# L (timesteps), ymin, ymax, ytic (decades: the axis is
# log10 ||dL/dh_t||, drawn from dh_log10, so that a gradient past float64's
# floor is drawn to its end; labelled as powers of ten).

do for [fmt in formats] {
    eval "set terminal " . terminal(fmt, words(clips), 1 + key_rows(words(cells)))
    set output output . "." . fmt
    set multiplot layout 1, words(clips) title title noenhanced font ",13"
    set format y "10^{%.0f}"
    set ytics ytic
    set mytics (ytic > 1 ? 1 : 2)
    set xrange [1:L]
    set yrange [ymin:ymax]
    set xlabel "timestep t of the input sequence"
    set ylabel "gradient norm ||∂L/∂h_t||" enhanced
    eval key_place(words(cells), "bottom right")
    do for [k = 1:words(clips)] {
        clip = word(clips, k)
        set title "clipping: " . clip . clip_note(clip) . layer_note noenhanced
        plot for [c in cells] data using "t":(finite(pick("dh_log10", c, clip) * (strcol("phase") eq "last" ? 1 : NaN))) \
                 with lines lw 2 lc rgb cell_color(c) dt 1 title cell_label(c), \
             for [c in cells] data using "t":(finite(pick("dh_log10", c, clip) * (strcol("phase") eq "first" ? 1 : NaN))) \
                 with lines lw 1.2 lc rgb cell_color(c) dt 2 notitle, \
             NaN with lines lw 1.2 lc rgb "#404040" dt 2 title "first logged step", \
             NaN with lines lw 2 lc rgb "#404040" dt 1 title "last logged step"
        unset key
    }
    unset multiplot
}
