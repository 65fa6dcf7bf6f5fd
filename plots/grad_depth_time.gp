# grad_depth_time.gp - how far the gradient reaches down a stack of
# recurrent layers as well as back in time: log10 ||dL/dh_t^l|| at layer l
# (vertical: 0 the bottom, which reads the input; K-1 the top, which the
# readout reads) and timestep t (horizontal), at the first logged training
# step (left of a pair of panels) and the last (right). A pair per run (a
# cell x clip mode at one seed), one colour scale for all.
# From rnnbench: t_label (the timestep axis: "timestep t of the input
# sequence", "pixel t (raster order)", ...), data (columns run cell
# clip seed phase step layer t dh_norm dh_log10; the header row, then one block per panel, blocks separated by
# two blank lines; index k is panel k, so the columns go by number here: a
# header is not seen past index 0), output, formats, title, panel_cells,
# panel_clips, panel_steps (a word per panel, in block order), rows, cols,
# L, K (layers), cbmin, cbmax. The colour is dh_log10, the file's log10 of
# the norm, known past float64's floor; a timestep a shorter batch did not
# have (variable_length: NaN) is left blank.

unset datafile missing          # an image takes every pixel: a NaN one is drawn blank
panel_h = K <= 3 ? 0.6 : (K <= 8 ? 0.8 : 1)    # few layers: flatter panels
do for [fmt in formats] {
    eval "set terminal " . terminal(fmt, cols, rows * panel_h)
    set output output . "." . fmt
    set multiplot layout rows, cols title title noenhanced font ",13"
    set style fill solid 1 noborder
    set border 15 front lc rgb "#404040"
    set palette defined (0 "#440154", 1 "#3b528b", 2 "#21918c", 3 "#5ec962", 4 "#fde725")
    set cbrange [cbmin:cbmax]
    set cblabel "log_{10} ||∂L/∂h_t^{(l)}||" enhanced
    set xrange [0.5:L + 0.5]
    set yrange [-0.5:K - 0.5]
    set ytics 0, (K <= 8 ? 1 : ceil(K / 8.0))
    set xlabel t_label noenhanced
    set ylabel "layer l (0: bottom)"
    unset key
    unset grid
    set tics front
    set lmargin 10
    do for [k = 1:words(panel_cells)] {
        set title cell_label(word(panel_cells, k)) . ", clipping " . word(panel_clips, k) . \
                  ": step " . word(panel_steps, k) . (k % 2 ? " (first logged)" : " (last logged)") noenhanced
        plot data index k using 8:7:(finite($10)) with image
    }
    unset multiplot
}
