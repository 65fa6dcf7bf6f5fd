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
cell_names  = "rnn_tanh rnn_relu rnn_sigmoid lstm gru lstm_peephole lstm_cifg lstm_nfg gru_cho mgu indrnn mingru minlstm cornn exprnn lru lstm_vo"
cell_colors = "#D55E00 #E69F00 #999933 #0072B2 #009E73 #56B4E9 #CC79A7 #000000 #117733 #882255 #44AA99 #AA4499 #332288 #DDCC77 #CC6677 #661100 #EE3377"
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
