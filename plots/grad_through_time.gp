# grad_through_time.gp - the vanishing picture: ||dL/dh_t|| against the
# timestep t, one line per cell, at the first logged training step (dashed)
# and the last (solid); one panel per clip mode; one layer of each run (the
# top unless rnnbench plot --layer says otherwise).
# From rnnbench: t_label (the timestep axis: "timestep t of the input
# sequence", "pixel t (raster order)", ...), data (columns run cell
# clip seed layer phase step t dh_norm dh_log10), output, formats, title,
# cells, clips, cell_label(c), clip_note(k), layer_note (", layer 0 (bottom)", "" for one-layer runs),
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
    set xlabel t_label noenhanced
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
