# grad_heatmap.gp - log10 ||dL/dh_t|| over training step (vertical) and
# timestep t (horizontal): how the gradient's reach changes as the run
# learns. One panel per run (a cell x clip mode at one seed), at one layer
# (column layer; the top unless rnnbench plot --layer says otherwise).
# From rnnbench: t_label (the timestep axis: "timestep t of the input
# sequence", "pixel t (raster order)", ...), data (columns run cell
# clip seed layer step t dh_norm dh_log10; the header row, then one block per panel, blocks separated by two blank lines and
# the rows of a training step by one, as pm3d wants; index k is panel k,
# so the columns go by number here: a header is not seen past index 0), output,
# formats, title, panel_cells, panel_clips (a word per panel, in block
# order), layer_note (", top layer", "" for one-layer runs), rows, cols, L,
# cbmin, cbmax (log10 range shared by all panels).
# The colour is dh_log10, the file's log10 of the norm, known past
# float64's floor (a norm of 1e-3000 has its colour too).

do for [fmt in formats] {
    eval "set terminal " . terminal(fmt, cols, rows)
    set output output . "." . fmt
    set multiplot layout rows, cols title title noenhanced font ",13"
    set view map scale 1
    set pm3d map corners2color c1
    set style fill solid 1 noborder
    set border 15 front lc rgb "#404040"
    set palette defined (0 "#440154", 1 "#3b528b", 2 "#21918c", 3 "#5ec962", 4 "#fde725")
    set cbrange [cbmin:cbmax]
    set cblabel "log_{10} ||∂L/∂h_t||" enhanced
    set xrange [1:L]
    set xlabel t_label noenhanced
    set ylabel "training step"
    unset key
    unset grid
    set tics front
    set lmargin 10
    do for [k = 1:words(panel_cells)] {
        set title cell_label(word(panel_cells, k)) . ", clipping " . word(panel_clips, k) . layer_note noenhanced
        splot data index k using 7:6:(finite($9)) with pm3d
    }
    unset multiplot
}
