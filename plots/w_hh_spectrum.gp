# w_hh_spectrum.gp - why a run vanished or exploded: the spectral radius
# of W_hh (solid) and its largest singular value (dashed) at each logged
# step, the largest over the cell's gate blocks, one line per cell; the
# line rho = 1 that separates a shrinking from a growing linear
# recurrence (Pascanu, Mikolov & Bengio 2013, section 2); a panel per clip
# mode; one layer's W_hh of each run (the top unless rnnbench plot --layer
# says otherwise).
# From rnnbench: data (columns run cell clip seed layer step radius sigma),
# output, formats, title, cells, clips, cell_label(c), clip_note(k),
# layer_note (", layer 0 (bottom)", "" for one-layer runs), xmax, ymax.

do for [fmt in formats] {
    eval "set terminal " . terminal(fmt, words(clips), 1 + key_rows(words(cells)))
    set output output . "." . fmt
    set multiplot layout 1, words(clips) title title noenhanced font ",13"
    set xrange [0:xmax]
    set yrange [0:ymax]
    set xlabel "training step"
    set ylabel "spectral radius ρ(W_{hh}) and ||W_{hh}||_2" enhanced
    eval key_place(words(cells), "bottom right")
    do for [k = 1:words(clips)] {
        clip = word(clips, k)
        set title "clipping: " . clip . clip_note(clip) . layer_note noenhanced
        plot for [c in cells] data using "step":(pick("radius", c, clip)) \
                 with lines lw 2 lc rgb cell_color(c) dt 1 title cell_label(c), \
             for [c in cells] data using "step":(pick("sigma", c, clip)) \
                 with lines lw 1.2 lc rgb cell_color(c) dt 2 notitle, \
             NaN with lines lw 2 lc rgb "#404040" dt 1 title "spectral radius", \
             NaN with lines lw 1.2 lc rgb "#404040" dt 2 title "largest singular value", \
             1 with lines lw 1 lc rgb "#404040" dt 3 title "ρ = 1"
        unset key
    }
    unset multiplot
}
